// k8s render: every object validates against the Kubernetes API schemas, the shard
// Job has the shape a sharded run needs (Indexed, all pods at once, one start
// instant, the whole run failing with any shard, a token only from a Secret), the
// YAML reads back to the same objects, and bad flags are one line, exit 2.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderManifests } from '../../src/k8s/render.js';
import type { JobObject } from '../../src/k8s/render-manifests.js';
import { runObjectList } from '../../src/k8s/render-manifests.js';
import type { RenderFlags } from '../../src/k8s/render-options.js';
import { validateObject } from '../../src/k8s/validate-manifests.js';
import { UserError } from '../../src/util/user-error.js';
import { ROOT, runCli } from '../support/cli-process.js';

const STEADY = path.join(ROOT, 'scenarios/steady.yaml');
const NOW = Date.UTC(2026, 11, 2, 18, 0, 0, 400);
const base: RenderFlags = { shards: '4', target: 'engram.bench.svc:50051' };

function render(flags: Partial<RenderFlags> = {}) {
  return renderManifests(STEADY, { ...base, ...flags }, 'engram-stream:test', NOW);
}

function container(job: JobObject) {
  const c = job.spec?.template.spec?.containers[0];
  if (!c) throw new Error('no container');
  return c;
}

describe('k8s render', () => {
  it.each<[string, Partial<RenderFlags>]>([
    ['defaults', {}],
    [
      'a token Secret, TLS, an existing claim',
      { tokenSecret: 'engram-token:bearer', tls: true, resultsClaim: 'shared-results' },
    ],
    [
      'own name, namespace, storage class, resources',
      {
        name: 'nightly',
        namespace: 'load',
        storageClass: 'nfs-client',
        resources: 'cpu=500m,memory=512Mi,ephemeral-storage=1Gi',
      },
    ],
  ])('renders objects that validate against the API schemas: %s', (_what, flags) => {
    const r = render(flags);
    const list = runObjectList(r.objects);
    expect(list.map((o) => o.kind)).toEqual(
      flags.resultsClaim ? ['ConfigMap', 'Job', 'Job'] : ['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job'],
    );
    for (const o of list) {
      expect(() => validateObject(o)).not.toThrow();
      expect(o.metadata.namespace).toBe(flags.namespace ?? 'default');
      expect(o.metadata.name.length).toBeLessThanOrEqual(63);
    }
    // What kubectl would read is exactly what was validated.
    const docs = parseAllDocuments(r.yaml).map((d) => d.toJS());
    expect(docs).toEqual(JSON.parse(JSON.stringify(list)));
  });

  it('the validator is live: a wrong type or a missing required field is caught', () => {
    const { shardJob } = render().objects;
    const wrongType = structuredClone(shardJob) as unknown as { spec: { completions: unknown } };
    wrongType.spec.completions = 'four';
    expect(() => validateObject(wrongType as never)).toThrow(/spec\/completions: must be integer/);
    const noName = structuredClone(shardJob);
    const first = noName.spec?.template.spec?.containers[0] as { name?: string };
    delete first.name;
    expect(() => validateObject(noName)).toThrow(/containers\/0: must have required property name/);
  });

  it('runs N shard pods at once, Indexed, one start instant, failing the whole run with any shard', () => {
    const r = render({ tokenSecret: 'engram-token' });
    const job = r.objects.shardJob;
    expect(job.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 4,
      backoffLimit: 0,
    });
    expect(job.spec?.podFailurePolicy?.rules.map((rule) => rule.action)).toEqual(['FailJob', 'FailJob']);
    expect(job.spec?.podFailurePolicy?.rules[0]?.onExitCodes).toEqual({
      containerName: 'bench',
      operator: 'NotIn',
      values: [0],
    });
    const c = container(job);
    const args = c.args ?? [];
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    expect(at('--shard')).toBe('$(JOB_COMPLETION_INDEX)/4');
    expect(at('--target')).toBe('engram.bench.svc:50051');
    // One instant, rendered once: the start delay after rendering, on a whole second.
    expect(at('--start-at')).toBe('2026-12-02T18:01:01.000Z');
    expect(r.options.startAt).toBe(Date.parse('2026-12-02T18:01:01.000Z'));
    expect(at('--json')).toBe(`/results/${r.options.name}/shard-$(JOB_COMPLETION_INDEX).json`);
    expect(args).toContain('--quiet');
    // $(JOB_COMPLETION_INDEX) expands in args only for a variable the container declares.
    expect(c.env?.map((e) => e.name)).toContain('JOB_COMPLETION_INDEX');
    // The token: a mounted Secret read by --token-file, never a value in the manifest.
    expect(at('--token-file')).toBe('/var/run/secrets/engram-stream/token');
    expect(job.spec?.template.spec?.volumes).toContainEqual({
      name: 'token',
      secret: { secretName: 'engram-token' },
    });
    expect(r.yaml).not.toMatch(/authorization|Bearer/i);
    expect(c.resources).toEqual({
      requests: { cpu: '2', memory: '2Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
    const anti =
      job.spec?.template.spec?.affinity?.podAntiAffinity
        ?.preferredDuringSchedulingIgnoredDuringExecution?.[0];
    expect(anti?.podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(anti?.podAffinityTerm.labelSelector?.matchLabels).toEqual(
      job.spec?.template.metadata?.labels && {
        'app.kubernetes.io/instance': r.options.name,
        'app.kubernetes.io/component': 'shard',
      },
    );
    // The merge reads exactly the N shard files of this run, and writes the three reports.
    const merge = container(r.objects.mergeJob).args ?? [];
    expect(merge.filter((a) => a.endsWith('.json') && a.includes('/shard-'))).toEqual(
      [0, 1, 2, 3].map((i) => `/results/${r.options.name}/shard-${i}.json`),
    );
    expect(merge).toEqual(expect.arrayContaining(['report', '--merge', '--html', '--junit']));
  });

  it.each<[Partial<RenderFlags>, RegExp]>([
    [{ shards: '9' }, /the scenario has 8 session\(s\), so some shards would have none/],
    [{ shards: 'two' }, /--shards 'two' is not a number of shards/],
    [{ target: 'no-port' }, /--target 'no-port' is not host:port/],
    [{ resources: 'cpu=lots' }, /--resources 'cpu=lots': 'cpu=lots' is not NAME=QUANTITY/],
    [{ resources: 'gpu=1' }, /is not NAME=QUANTITY/],
    [{ name: 'Nightly_Run' }, /--name 'Nightly_Run' is not a Kubernetes name/],
    [{ namespace: '-x' }, /--namespace '-x' is not a Kubernetes name/],
    [{ startDelay: '2s' }, /--start-delay 2s: .* at least 5s/],
    [{ startDelay: 'soon' }, /--start-delay: 'soon' is not a duration/],
    [{ tokenSecret: 'a:b:c' }, /--token-secret 'a:b:c': write NAME or NAME:KEY/],
    [{ image: 'Bad Image' }, /--image 'Bad Image' is not an image reference/],
  ])('refuses %o', (flags, message) => {
    expect(() => render(flags)).toThrow(UserError);
    expect(() => render(flags)).toThrow(message);
  });
});

describe('engram-stream k8s render (CLI)', () => {
  it('prints the manifests for kubectl apply -f -', async () => {
    const run = await runCli([
      'k8s',
      'render',
      'scenarios/smoke.yaml',
      '--shards',
      '2',
      '--target',
      'engram:50051',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const kinds = parseAllDocuments(run.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job']);
  }, 30_000);

  it('bad input: one line, exit 2', async () => {
    const run = await runCli(['k8s', 'render', 'scenarios/smoke.yaml', '--shards', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('--target is needed');
    expect(run.stdout).toBe('');
  }, 30_000);
});
