// The image the rendered pods run. It cannot be built here (no registry to pull
// node:20-slim from), so the Dockerfile is linted (dockerfile-utils, the checker
// behind the VS Code Docker language server) and parsed (dockerfile-ast) for the
// facts that matter: two stages on node:20-slim, the addon compiled in the build
// stage, only production dependencies and no compilers in the runtime stage, a
// numeric non-root user equal to the one the manifests demand, engram-stream on
// PATH for the pods' scripts; and .dockerignore keeps out what must not go in.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { renderManifests } from '../../src/k8s/render.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);

/** Each stage's instructions, by stage name. */
function stages(): Map<string, Instruction[]> {
  const out = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      current = [];
      out.set(i.getArgumentsContent()?.split(/\s+AS\s+/i)[1] ?? `stage${out.size}`, current);
    }
    current?.push(i);
  }
  return out;
}

const args = (i: Instruction) => i.getArgumentsContent() ?? '';
const runs = (list: Instruction[]) => list.filter((i) => i.getKeyword() === 'RUN').map(args);

describe('Dockerfile', () => {
  it('lints clean, and the linter is live', () => {
    expect(validate(text)).toEqual([]);
    expect(validate('FROM node:20-slim\nCOPY onlyone\n').length).toBeGreaterThan(0);
  });

  it('builds in one stage and runs on node:20-slim in another', () => {
    const defaults = Object.fromEntries(
      dockerfile.getARGs().map((a) => [a.getProperty()?.getName(), a.getProperty()?.getValue()]),
    );
    const images = dockerfile
      .getFROMs()
      .map((f) => (f.getImage() ?? '').replace(/^\$\{(\w+)\}$/, (_, v) => defaults[v]));
    expect(images).toEqual(['node:20-slim', 'node:20-slim']);
    expect([...stages().keys()]).toEqual(['build', 'runtime']);
  });

  it('compiles the hnswlib addon and the TypeScript in the build stage, then drops dev dependencies', () => {
    const build = runs(stages().get('build') ?? []);
    expect(build.some((r) => /apt-get install .*python3.*make.*g\+\+/s.test(r))).toBe(true);
    const at = (re: RegExp) => build.findIndex((r) => re.test(r));
    expect(at(/npm ci\b/)).toBeGreaterThanOrEqual(0);
    expect(at(/npm rebuild hnswlib-node/)).toBeGreaterThan(at(/npm ci\b/));
    expect(at(/npm run build/)).toBeGreaterThan(at(/npm rebuild hnswlib-node/));
    expect(at(/npm prune --omit=dev/)).toBeGreaterThan(at(/npm run build/));
  });

  it('the runtime stage takes node_modules and dist from the build, has no compilers, runs as uid 1000', () => {
    const runtime = stages().get('runtime') ?? [];
    const copies = runtime.filter((i) => i.getKeyword() === 'COPY').map(args);
    expect(copies).toEqual(expect.arrayContaining(['/app/node_modules ./node_modules', '/app/dist ./dist']));
    expect(dockerfile.getCOPYs().filter((c) => c.getFromFlag()?.getValue() === 'build')).toHaveLength(2);
    for (const dir of ['bin', 'proto', 'scenarios']) expect(copies).toContain(`${dir} ./${dir}`);
    for (const r of runs(runtime)) expect(r).not.toMatch(/apt-get|npm (ci|install)|g\+\+/);
    const users = runtime.filter((i) => i.getKeyword() === 'USER').map(args);
    expect(users.at(-1)).toBe('1000:1000');
    // The pods demand exactly this user (runAsNonRoot needs a numeric one to check).
    const pod = renderManifests(path.join(ROOT, 'scenarios/smoke.yaml'), { shards: '1', target: 'e:1' }, 'x')
      .objects.shardJob.spec?.template.spec?.securityContext;
    expect(`${pod?.runAsUser}:${pod?.runAsGroup}`).toBe(users.at(-1));
    // The pods' scripts call engram-stream by name.
    expect(runs(runtime).some((r) => r.includes('/usr/local/bin/engram-stream'))).toBe(true);
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  it('keeps out local builds, dependencies, results and history; keeps in what the build copies', () => {
    for (const out of ['node_modules', 'dist', 'reports', '.git']) expect(ignored).toContain(out);
    const copied = dockerfile
      .getCOPYs()
      .filter((c) => !c.getFromFlag())
      .flatMap((c) => args(c).split(/\s+/).slice(0, -1));
    for (const source of copied) expect(ignored).not.toContain(source);
  });
});
