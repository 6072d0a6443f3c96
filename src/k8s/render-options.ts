// What `engram-stream k8s render|run` is told, read from flags into checked values:
// names Kubernetes accepts, quantities it parses, a scenario that has a session for
// every shard. Every problem is one UserError naming the flag.
import type { Scenario } from '../load/scenario/scenario.js';
import { parseDuration } from '../util/duration.js';
import { UserError } from '../util/user-error.js';

export interface TokenSecret {
  name: string;
  /** The key in the Secret that holds the bearer token. */
  key: string;
}

export interface RenderOptions {
  scenario: Scenario;
  shards: number;
  /** host:port every shard dials. */
  target: string;
  image: string;
  namespace: string;
  /** Prefix of every object's name; also the results folder on the volume. */
  name: string;
  /** Epoch ms: the common start of every shard. */
  startAt: number;
  /** Epoch ms when rendered (the deadlines count from about then). */
  renderedAt: number;
  tokenSecret?: TokenSecret;
  /** Requests and limits of each shard's container, e.g. { cpu: '2', memory: '2Gi' }. */
  resources: Record<string, string>;
  tls: boolean;
  /** An existing ReadWriteMany claim for the results; absent: one is rendered. */
  resultsClaim?: string;
  resultsSize: string;
  storageClass?: string;
}

export interface RenderFlags {
  shards?: string;
  target?: string;
  image?: string;
  namespace?: string;
  name?: string;
  startDelay?: string;
  tokenSecret?: string;
  resources?: string;
  tls?: boolean;
  resultsClaim?: string;
  resultsSize?: string;
  storageClass?: string;
}

export const DEFAULTS = {
  namespace: 'default',
  startDelay: '60s',
  resources: 'cpu=2,memory=2Gi',
  resultsSize: '1Gi',
} as const;

/** A DNS-1123 label (namespaces, our object names) and subdomain (Secrets, claims, storage classes). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Longest name prefix: "-shards" and a pod's "-<index>-<random>" must still fit in 63 characters. */
const MAX_NAME = 40;
/** Kubernetes quantities: 2, 500m, 2Gi, 1.5G, 1e3. */
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e\d+)?$/;
const RESOURCE_NAMES = ['cpu', 'memory', 'ephemeral-storage'];
const IMAGE = /^[a-z0-9]+([._\-/:@][a-zA-Z0-9]+)*$/;

function checkName(flag: string, value: string, max = 63): string {
  if (value.length > max || !(max > 63 ? DNS_SUBDOMAIN : DNS_LABEL).test(value)) {
    throw new UserError(
      `${flag} '${value}' is not a Kubernetes name; use at most ${max} lower-case letters, digits and '-'${max > 63 ? " or '.'" : ''}, starting and ending with a letter or digit`,
    );
  }
  return value;
}

function parseCount(text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 1 || n > 1000) {
    throw new UserError(
      `--shards '${text ?? ''}' is not a number of shards; write 1 to 1000, e.g. --shards 4`,
    );
  }
  return n;
}

export function parseResources(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [key = '', value = '', ...rest] = pair.split('=').map((s) => s.trim());
    if (!RESOURCE_NAMES.includes(key) || !QUANTITY.test(value) || rest.length > 0) {
      throw new UserError(
        `--resources '${text}': '${pair}' is not NAME=QUANTITY with NAME one of ${RESOURCE_NAMES.join(', ')}; e.g. --resources cpu=2,memory=2Gi`,
      );
    }
    out[key] = value;
  }
  return out;
}

function parseTokenSecret(text: string): TokenSecret {
  const [name = '', key = 'token', ...rest] = text.split(':');
  if (rest.length > 0 || !/^[-._a-zA-Z0-9]+$/.test(key)) {
    throw new UserError(
      `--token-secret '${text}': write NAME or NAME:KEY, e.g. --token-secret engram-token:token`,
    );
  }
  return { name: checkName('--token-secret', name, 253), key };
}

/** e.g. es-smoke-1202-183000: the scenario and the start instant, so runs do not collide. */
function defaultName(scenario: Scenario, startAt: number): string {
  const slug = scenario.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME - 15)
    .replace(/-+$/, '');
  const iso = new Date(startAt).toISOString();
  const stamp = `${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `es-${slug || 'run'}-${stamp}`;
}

export function renderOptions(
  scenario: Scenario,
  flags: RenderFlags,
  defaultImage: string,
  now = Date.now(),
): RenderOptions {
  const shards = parseCount(flags.shards);
  if (scenario.sessions < shards) {
    throw new UserError(
      `--shards ${shards}: the scenario has ${scenario.sessions} session(s), so some shards would have none; use at most ${scenario.sessions} shards`,
    );
  }
  const target = flags.target ?? scenario.target.address;
  if (!target) {
    throw new UserError(
      '--target is needed: the shards load a server the cluster can reach (host:port), not an embedded one',
    );
  }
  if (!/^[^\s:]+:\d+$/.test(target)) {
    throw new UserError(`--target '${target}' is not host:port, e.g. --target engram.default.svc:50051`);
  }
  const image = flags.image ?? defaultImage;
  if (!IMAGE.test(image)) {
    throw new UserError(
      `--image '${image}' is not an image reference, e.g. --image registry.example.com/engram-stream:0.1.0`,
    );
  }
  const delayMs = parseDuration(flags.startDelay ?? DEFAULTS.startDelay, '--start-delay');
  if (delayMs < 5000) {
    throw new UserError(
      `--start-delay ${flags.startDelay}: pods need time to be scheduled, pull the image and connect; give at least 5s (60s is usual)`,
    );
  }
  const startAt = Math.ceil((now + delayMs) / 1000) * 1000;
  const resultsSize = flags.resultsSize ?? DEFAULTS.resultsSize;
  if (!QUANTITY.test(resultsSize)) {
    throw new UserError(`--results-size '${resultsSize}' is not a quantity, e.g. --results-size 1Gi`);
  }
  return {
    scenario,
    shards,
    target,
    image,
    namespace: checkName('--namespace', flags.namespace ?? DEFAULTS.namespace),
    name: flags.name ? checkName('--name', flags.name, MAX_NAME) : defaultName(scenario, startAt),
    startAt,
    renderedAt: now,
    ...(flags.tokenSecret ? { tokenSecret: parseTokenSecret(flags.tokenSecret) } : {}),
    resources: parseResources(flags.resources ?? DEFAULTS.resources),
    tls: flags.tls === true,
    ...(flags.resultsClaim ? { resultsClaim: checkName('--results-claim', flags.resultsClaim, 253) } : {}),
    resultsSize,
    ...(flags.storageClass ? { storageClass: checkName('--storage-class', flags.storageClass, 253) } : {}),
  };
}
