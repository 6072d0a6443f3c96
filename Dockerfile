# engram-stream, for running shards on Kubernetes (docs/distributed.md).
# Build stage: TypeScript compiled and the native hnswlib addon built with node-gyp.
# Runtime stage: node:20-slim, production dependencies only, as an unprivileged user.
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
# node-gyp needs python3, make and g++ to build hnswlib-node's addon.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts while installing: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts
# The one dependency with a native addon, compiled for this Node and this libc.
RUN npm rebuild hnswlib-node
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# Drop the development dependencies; the compiled addon stays in node_modules.
RUN npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY proto ./proto
COPY scenarios ./scenarios
RUN ln -s /app/bin/engram-stream.js /usr/local/bin/engram-stream
# uid 1000 is the image's `node` user; numeric, so Kubernetes can check runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["engram-stream"]
CMD ["--help"]
