// `k8s run`: creates the rendered objects in the cluster, follows the shards and
// the merge until the merge ends, and reads the merged results back from the
// merge pod's log. A shard that fails ends the run with its own last line.
import type { V1ConfigMap, V1Job, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { BenchResults } from '../results/results.js';
import { parseResults } from '../results/results-schema.js';
import { UserError } from '../util/user-error.js';
import { type Cluster, type ClusterFlags, call, connectCluster } from './cluster-client.js';
import { lastLine, mergedJsonFromLog } from './merged-log.js';
import { MERGED_END } from './pod-scripts.js';
import type { Rendered } from './render.js';
import type { JobObject, K8sObject } from './render-manifests.js';

export interface ClusterProgress {
  stage: 'waiting for the start' | 'running' | 'merging';
  shardsDone: number;
  shards: number;
  /** ms until the common start (negative once started). */
  untilStartMs: number;
}

export interface ClusterRunOptions {
  onProgress?: (p: ClusterProgress) => void;
  /** Between status polls; the API server is asked little. */
  pollMs?: number;
}

const POLL_MS = 2000;

async function create(cluster: Cluster, namespace: string, o: K8sObject): Promise<void> {
  const doing = `creating ${o.kind} ${o.metadata.name} in namespace ${namespace}`;
  await call(cluster, doing, async () => {
    if (o.kind === 'ConfigMap') {
      await cluster.core.createNamespacedConfigMap({ namespace, body: o as unknown as V1ConfigMap });
    } else if (o.kind === 'PersistentVolumeClaim') {
      await cluster.core.createNamespacedPersistentVolumeClaim({
        namespace,
        body: o as unknown as V1PersistentVolumeClaim,
      });
    } else {
      await cluster.batch.createNamespacedJob({ namespace, body: o as unknown as V1Job });
    }
  });
}

function condition(job: V1Job, type: string): boolean {
  return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

async function jobStatus(cluster: Cluster, namespace: string, job: JobObject): Promise<V1Job> {
  const name = job.metadata.name;
  return call(cluster, `reading job ${name}`, () =>
    cluster.batch.readNamespacedJobStatus({ name, namespace }),
  );
}

/** The log of each pod of a Job (with its completion index, for shards). */
async function podLogs(
  cluster: Cluster,
  namespace: string,
  job: JobObject,
  which: 'failed' | 'all',
): Promise<{ index: string; log: string }[]> {
  const jobName = job.metadata.name;
  const pods = await call(cluster, `listing the pods of job ${jobName}`, () =>
    cluster.core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` }),
  );
  const chosen = pods.items.filter((p) => which === 'all' || p.status?.phase === 'Failed');
  return Promise.all(
    chosen.map(async (p) => ({
      index: p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? '?',
      log: await call(cluster, `reading the log of pod ${p.metadata?.name}`, () =>
        cluster.core.readNamespacedPodLog({ name: p.metadata?.name ?? '', namespace }),
      ),
    })),
  );
}

async function shardFailure(cluster: Cluster, r: Rendered, job: V1Job): Promise<UserError> {
  const { namespace } = r.options;
  const failed = await podLogs(cluster, namespace, r.objects.shardJob, 'failed');
  const reason = job.status?.conditions?.find((c) => c.type === 'Failed')?.message ?? 'the shards job failed';
  const first = failed[0];
  const why = first ? `shard ${first.index} failed: ${lastLine(first.log)}` : reason;
  return new UserError(
    `${why}; the run is void (kubectl logs -n ${namespace} job/${r.objects.shardJob.metadata.name}; delete with kubectl delete -n ${namespace} -l app.kubernetes.io/instance=${r.options.name})`,
  );
}

async function mergedResults(cluster: Cluster, r: Rendered): Promise<BenchResults> {
  const { namespace } = r.options;
  const logs = await podLogs(cluster, namespace, r.objects.mergeJob, 'all');
  const log = logs.map((l) => l.log).join('\n');
  const json = mergedJsonFromLog(log);
  if (json === undefined && log.includes(MERGED_END)) {
    throw new UserError(
      `the merged results in the log of job/${r.objects.mergeJob.metadata.name} were cut (log rotation?); read ${r.objects.resultsDir}/merged.json from the results volume`,
    );
  }
  if (json === undefined) {
    throw new UserError(
      `the merge printed no results: ${lastLine(log)} (kubectl logs -n ${namespace} job/${r.objects.mergeJob.metadata.name})`,
    );
  }
  const results = parseResults(json, `the log of job/${r.objects.mergeJob.metadata.name}`);
  if (results.kind !== 'bench') throw new UserError('the merge printed conform results, not a bench run');
  return results;
}

/** Creates the objects, waits for the merge, returns the merged results. */
export async function runOnCluster(
  r: Rendered,
  flags: ClusterFlags,
  o: ClusterRunOptions = {},
): Promise<BenchResults> {
  const cluster = connectCluster(flags);
  const { namespace } = r.options;
  const { configMap, claim, shardJob, mergeJob } = r.objects;
  for (const obj of [configMap, ...(claim ? [claim] : []), shardJob, mergeJob])
    await create(cluster, namespace, obj);
  const pollMs = o.pollMs ?? POLL_MS;
  for (;;) {
    const shards = await jobStatus(cluster, namespace, shardJob);
    if (condition(shards, 'Failed')) throw await shardFailure(cluster, r, shards);
    const merge = await jobStatus(cluster, namespace, mergeJob);
    // The merge pod exits with the merged verdict's code: Failed is also a finished merge.
    if (condition(merge, 'Complete') || condition(merge, 'Failed')) return mergedResults(cluster, r);
    const untilStartMs = r.options.startAt - Date.now();
    const shardsDone = shards.status?.succeeded ?? 0;
    o.onProgress?.({
      stage:
        untilStartMs > 0 ? 'waiting for the start' : shardsDone < r.options.shards ? 'running' : 'merging',
      shardsDone,
      shards: r.options.shards,
      untilStartMs,
    });
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
