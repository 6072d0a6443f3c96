// Turns a zod issue into one sentence: what was wrong, and what to write instead.
import { isMap, isSeq } from 'yaml';
import type { z } from 'zod';

/** What to write, by the key that was wrong. */
const EXAMPLES: Record<string, string> = {
  name: 'name: steady',
  description: 'description: steady load at 1000/s',
  address: 'address: 127.0.0.1:50051',
  memorySpaces: 'memorySpaces: [bench]',
  dim: 'dim: 768',
  seed: 'seed: 42',
  sessions: 'sessions: 8',
  sendWindow: 'sendWindow: 256',
  indexAcks: 'indexAcks: true',
  phases: 'phases: [{ name: steady, duration: 30s, shape: constant, rate: 1000 }]',
  duration: 'duration: 30s',
  rate: 'rate: 1000',
  from: 'from: 100',
  to: 'to: 5000',
  burst: 'burst: { rate: 5000, every: 10s, for: 1s }',
  every: 'every: 10s',
  for: 'for: 1s',
  faults: 'faults: [{ at: 20s, kind: disconnect, share: 0.5 }]',
  at: 'at: 20s',
  after: 'after: 5000',
  share: 'share: 0.5',
  cut: 'cut: stream',
  resumeAfter: 'resumeAfter: 2s',
  count: 'count: 3',
  clusters: 'clusters: 16',
  spread: 'spread: 0.1',
  pollInterval: 'pollInterval: 5ms',
  timeout: 'timeout: 10s',
  thresholds: 'thresholds: [silent_drops == 0, ack_latency.p99 < 10ms]',
  expr: 'expr: staleness.p99 < 100ms',
  scope: 'scope: run',
  abortOnFail: 'abortOnFail: true',
  drain: 'drain: true',
};

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (isMap(value)) return 'a map';
  if (isSeq(value)) return 'a list';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** zod's type names in the words of a YAML file. */
const TYPE_WORDS: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
};

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, op: '<' | '>'): string {
  const limit = op === '>' ? issue.minimum : issue.maximum;
  return `${op}${issue.inclusive ? '=' : ''} ${String(limit)}`;
}

/** The sentence for one issue; `value` is what the file holds at the issue's path. */
export function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  const last = [...issue.path].reverse().find((p) => typeof p === 'string') as string | undefined;
  const example = last ? EXAMPLES[last] : undefined;
  const hint = example ? `; write e.g. '${example}'` : '';
  // Messages written in the schema (zod's own start with 'Invalid' or 'Too') already say what to write.
  if (!/^(Invalid|Too)/.test(issue.message) && issue.code !== 'invalid_union') {
    if (value === undefined) return `missing; ${issue.message}`;
    if (issue.code === 'invalid_type' || issue.code === 'invalid_format') {
      return `${issue.message}; got ${describeValue(value)}`;
    }
    return issue.message;
  }
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `missing${hint}`;
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${describeValue(value)}${hint}`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} item(s)${hint}`;
      return `must be ${bound(issue, '>')}, got ${describeValue(value)}${hint}`;
    case 'too_big':
      if (issue.origin === 'array') return `takes at most ${String(issue.maximum)} item(s)`;
      return `must be ${bound(issue, '<')}, got ${describeValue(value)}${hint}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}, got ${describeValue(value)}`;
    case 'invalid_key':
      // A record key (a serve flag) that its pattern refuses: the pattern's message says why.
      return issue.issues[0]?.message ?? issue.message;
    case 'invalid_union':
      return `${issue.message}; got ${describeValue(value)}`;
    default:
      return issue.message;
  }
}
