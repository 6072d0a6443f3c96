// `k8s run` without a cluster: the error paths, against a fake API server (a real
// HTTP server on port 0 answering the calls k8s run makes, as the Kubernetes API
// server answers them). No cluster, a refusal, a failed shard and a merge with
// nothing to merge each end in one line and exit 2. What a real cluster does with
// the objects is not proven here (docs/distributed.md says so).
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../support/cli-process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'k8s-run-'));

type Route = (req: http.IncomingMessage, body: string) => { status: number; body: unknown } | undefined;

interface FakeApi {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function startFakeApi(route: Route): Promise<FakeApi> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const answer = route(req, body) ?? {
        status: 404,
        body: status(404, 'NotFound', `${req.url} not found`),
      };
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
      });
      res.end(text);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function kubeconfig(server: string): string {
  const file = path.join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      // The client speaks plain HTTP only to a cluster marked insecure; the fake has no TLS.
      `clusters: [{ name: fake, cluster: { server: '${server}', insecure-skip-tls-verify: true } }]`,
      'users: [{ name: tester, user: { token: not-a-real-token } }]',
      'contexts: [{ name: fake, context: { cluster: fake, user: tester, namespace: default } }]',
      'current-context: fake',
    ].join('\n'),
  );
  return file;
}

const RUN = ['k8s', 'run', 'scenarios/smoke.yaml', '--shards', '2', '--target', 'engram:50051', '--quiet'];

function expectOneLine(run: CliRun, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stdout).toBe('');
}

/** Creates succeed (201, the object echoed back), as on an API server that accepts them. */
const accepting: Route = (req, body) =>
  req.method === 'POST' &&
  /\/namespaces\/default\/(configmaps|persistentvolumeclaims|jobs)$/.test(req.url ?? '')
    ? { status: 201, body: JSON.parse(body) }
    : undefined;

function job(name: string, conditions: { type: string; status: string; message?: string }[], failed = 0) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    status: { conditions, failed },
  };
}

interface FakePod {
  name: string;
  phase: string;
  index?: string;
  log?: string;
}

/** Accepts the creates, answers the two Jobs' statuses, lists `pods` and serves their logs. */
function fakeCluster(statuses: { shards: object; merge?: object }, pods: FakePod[]): Route {
  return (req, body) => {
    const url = req.url ?? '';
    if (/jobs\/[^/]+-shards\/status$/.test(url)) return { status: 200, body: statuses.shards };
    if (statuses.merge && /jobs\/[^/]+-merge\/status$/.test(url))
      return { status: 200, body: statuses.merge };
    if (url.startsWith('/api/v1/namespaces/default/pods?')) {
      const items = pods.map((p) => ({
        metadata: {
          name: p.name,
          ...(p.index ? { annotations: { 'batch.kubernetes.io/job-completion-index': p.index } } : {}),
        },
        status: { phase: p.phase },
      }));
      return { status: 200, body: { kind: 'PodList', apiVersion: 'v1', metadata: {}, items } };
    }
    const pod = pods.find((p) => url.startsWith(`/api/v1/namespaces/default/pods/${p.name}/log`));
    if (pod?.log !== undefined) return { status: 200, body: pod.log };
    return accepting(req, body);
  };
}

describe('k8s run, without a cluster', () => {
  it('no kubeconfig anywhere: says so and how to give one', async () => {
    const env = { ...process.env, HOME: dir, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };
    expectOneLine(await runCli(RUN, env), /no Kubernetes cluster configured: .* pass --kubeconfig FILE/);
  }, 60_000);

  it('an API server that is not there: cannot reach it', async () => {
    const gone = await startFakeApi(() => undefined);
    await gone.close();
    const run = await runCli([...RUN, '--kubeconfig', kubeconfig(gone.url)]);
    expectOneLine(
      run,
      new RegExp(`creating ConfigMap .* cannot reach the Kubernetes API at ${gone.url} \\(ECONNREFUSED\\)`),
    );
  }, 60_000);

  it('an API server that refuses: its own message, and what to check', async () => {
    api = await startFakeApi(() => ({
      status: 403,
      body: status(
        403,
        'Forbidden',
        'configmaps is forbidden: User "tester" cannot create resource "configmaps"',
      ),
    }));
    const run = await runCli([...RUN, '--kubeconfig', kubeconfig(api.url)]);
    expectOneLine(
      run,
      /the Kubernetes API refused: configmaps is forbidden: User "tester" cannot create .*; check your credentials and RBAC/,
    );
    expect(api.requests).toEqual(['POST /api/v1/namespaces/default/configmaps']);
  }, 60_000);

  it('objects left by an earlier run: already exists, and how to clear them', async () => {
    api = await startFakeApi(() => ({
      status: 409,
      body: status(409, 'AlreadyExists', 'configmaps "x" already exists'),
    }));
    const run = await runCli([...RUN, '--kubeconfig', kubeconfig(api.url)]);
    expectOneLine(run, /already exists; delete the old objects \(kubectl delete\) or give another --name/);
  }, 60_000);

  it("a shard that failed: the run is void, with that shard's own last line", async () => {
    api = await startFakeApi(
      fakeCluster(
        { shards: job('x-shards', [{ type: 'Failed', status: 'True', message: 'Job has failed' }], 1) },
        [
          { name: 'x-shards-0-a', phase: 'Succeeded', index: '0', log: 'verdict: passed\n' },
          {
            name: 'x-shards-1-b',
            phase: 'Failed',
            index: '1',
            log: 'engram-stream: not ready in time: the sessions were ready 2.1s after --start-at ...\n',
          },
        ],
      ),
    );
    const run = await runCli([...RUN, '--kubeconfig', kubeconfig(api.url)]);
    expectOneLine(
      run,
      /shard 1 failed: engram-stream: not ready in time: .*; the run is void \(kubectl logs -n default job\/es-smoke-.*-shards; delete with kubectl delete -n default -l app.kubernetes.io\/instance=es-smoke-/,
    );
    // Everything was created in order before it was followed.
    expect(api.requests.slice(0, 4)).toEqual([
      'POST /api/v1/namespaces/default/configmaps',
      'POST /api/v1/namespaces/default/persistentvolumeclaims',
      'POST /apis/batch/v1/namespaces/default/jobs',
      'POST /apis/batch/v1/namespaces/default/jobs',
    ]);
    // The shards' pods found by the label the Job controller puts on them; only the failed one's log read.
    expect(api.requests.map((r) => decodeURIComponent(r))).toContainEqual(
      expect.stringMatching(
        /^GET \/api\/v1\/namespaces\/default\/pods\?labelSelector=job-name=es-smoke-.*-shards/,
      ),
    );
    expect(api.requests.filter((r) => r.includes('/log'))).toEqual([
      expect.stringMatching(/^GET \/api\/v1\/namespaces\/default\/pods\/x-shards-1-b\/log/),
    ]);
  }, 60_000);

  it('a merge that had nothing to merge: its last line', async () => {
    api = await startFakeApi(
      fakeCluster(
        { shards: job('x-shards', []), merge: job('x-merge', [{ type: 'Failed', status: 'True' }], 1) },
        [
          {
            name: 'x-merge-a',
            phase: 'Failed',
            log: 'engram-stream: shard(s) 1 failed, so there is nothing to merge; read their logs\n',
          },
        ],
      ),
    );
    const run = await runCli([...RUN, '--kubeconfig', kubeconfig(api.url)]);
    expectOneLine(
      run,
      /the merge printed no results: engram-stream: shard\(s\) 1 failed, so there is nothing to merge/,
    );
  }, 60_000);
});
