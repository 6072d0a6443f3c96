// The objects of one sharded run on Kubernetes, as plain API objects: the scenario
// in a ConfigMap, a ReadWriteMany claim for the results (unless one is given), an
// Indexed Job with one pod per shard, all started at one instant, and a Job that
// merges their results once every shard has written its own. Nothing here talks to
// a cluster: `k8s render` prints these, `k8s run` creates them.
import path from 'node:path';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { TOOL_VERSION } from '../util/version.js';
import { mergeScript, shardScript } from './pod-scripts.js';
import type { RenderOptions } from './render-options.js';

// Typed by the API's own definitions (kubernetes-models), so a misspelt field does not compile.
/** The objects' metadata as rendered: always named and namespaced. */
interface Named {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
}
export type ConfigMapObject = IConfigMap & Named;
export type ClaimObject = IPersistentVolumeClaim & Named;
export type JobObject = IJob & Named;
export type K8sObject = ConfigMapObject | ClaimObject | JobObject;

export const SCENARIO_DIR = '/scenario';
export const RESULTS_DIR = '/results';
const TOKEN_DIR = '/var/run/secrets/engram-stream';
/** What the merge pod asks for: it reads JSON and writes three files. */
const MERGE_RESOURCES = { cpu: '500m', memory: '1Gi' };
/** Time after the scenario's end for draining, the last acks and writing results. */
const FINISH_GRACE_S = 600;

export interface RunObjects {
  configMap: ConfigMapObject;
  claim?: ClaimObject;
  shardJob: JobObject;
  mergeJob: JobObject;
  /** Where the shards and the merge write on the results volume. */
  resultsDir: string;
}

function labels(o: RenderOptions, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'engram-stream',
    'app.kubernetes.io/instance': o.name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/version': TOOL_VERSION,
  };
}

function meta(o: RenderOptions, name: string, component: string): Named['metadata'] {
  return { name, namespace: o.namespace, labels: labels(o, component) };
}

/** Pods need no API access and no root; the image runs as uid 1000. */
const POD_SECURITY: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};
const CONTAINER_SECURITY: ISecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

export function renderRun(o: RenderOptions): RunObjects {
  const scenarioKey = path.basename(o.scenario.file) || 'scenario.yaml';
  const resultsDir = `${RESULTS_DIR}/${o.name}`;
  const claimName = o.resultsClaim ?? `${o.name}-results`;
  const startAt = new Date(o.startAt).toISOString();
  // Deadlines count from when the Job is created: about when it was rendered.
  const runS = Math.ceil((o.startAt - o.renderedAt + o.scenario.totalMs) / 1000) + FINISH_GRACE_S;

  const configMap: ConfigMapObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(o, `${o.name}-scenario`, 'scenario'),
    data: { [scenarioKey]: o.scenario.source },
  };
  const claim: ClaimObject | undefined = o.resultsClaim
    ? undefined
    : {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: meta(o, claimName, 'results'),
        spec: {
          // Shards run on different nodes and all write here.
          accessModes: ['ReadWriteMany'],
          resources: { requests: { storage: o.resultsSize } },
          ...(o.storageClass ? { storageClassName: o.storageClass } : {}),
        },
      };
  const volumes: IVolume[] = [
    { name: 'scenario', configMap: { name: configMap.metadata.name } },
    { name: 'results', persistentVolumeClaim: { claimName } },
  ];
  const mounts: IVolumeMount[] = [
    { name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true },
    { name: 'results', mountPath: RESULTS_DIR },
  ];
  const connection: string[] = o.tls ? ['--tls'] : [];
  if (o.tokenSecret) {
    volumes.push({ name: 'token', secret: { secretName: o.tokenSecret.name } });
    mounts.push({ name: 'token', mountPath: TOKEN_DIR, readOnly: true });
    connection.push('--token-file', `${TOKEN_DIR}/${o.tokenSecret.key}`);
  }
  const shardLabels = labels(o, 'shard');

  const shardJob: JobObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(o, `${o.name}-shards`, 'shard'),
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      backoffLimit: 0,
      activeDeadlineSeconds: runS,
      // A shard that fails or is evicted cannot be replaced (its start has passed): the run fails.
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { containerName: 'bench', operator: 'NotIn', values: [0] } },
          { action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: {
        metadata: { labels: shardLabels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY,
          affinity: {
            // One shard per node where the cluster has the nodes: shards sharing a node share its CPU.
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: {
                      matchLabels: {
                        'app.kubernetes.io/instance': o.name,
                        'app.kubernetes.io/component': 'shard',
                      },
                    },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: 'bench',
              image: o.image,
              command: ['sh', '-c', shardScript(resultsDir), 'engram-stream'],
              args: [
                'bench',
                `${SCENARIO_DIR}/${scenarioKey}`,
                '--target',
                o.target,
                '--shard',
                `$(JOB_COMPLETION_INDEX)/${o.shards}`,
                '--start-at',
                startAt,
                '--json',
                `${resultsDir}/shard-$(JOB_COMPLETION_INDEX).json`,
                '--quiet',
                ...connection,
              ],
              // Set by the Job controller too; declared so that $(JOB_COMPLETION_INDEX) expands in args.
              env: [
                {
                  name: 'JOB_COMPLETION_INDEX',
                  valueFrom: {
                    fieldRef: {
                      fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                    },
                  },
                },
              ],
              // Requests equal to limits: a generator that is throttled measures itself.
              resources: { requests: o.resources, limits: o.resources },
              volumeMounts: mounts,
              securityContext: CONTAINER_SECURITY,
            },
          ],
          volumes,
        },
      },
    },
  };

  const merged = `${resultsDir}/merged.json`;
  const mergeJob: JobObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(o, `${o.name}-merge`, 'merge'),
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 0,
      activeDeadlineSeconds: runS + 300,
      template: {
        metadata: { labels: labels(o, 'merge') },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY,
          containers: [
            {
              name: 'merge',
              image: o.image,
              command: ['sh', '-c', mergeScript(resultsDir, o.shards, merged), 'engram-stream'],
              args: [
                'report',
                ...Array.from({ length: o.shards }, (_, i) => `${resultsDir}/shard-${i}.json`),
                '--merge',
                merged,
                '--html',
                `${resultsDir}/report.html`,
                '--junit',
                `${resultsDir}/junit.xml`,
              ],
              resources: { requests: MERGE_RESOURCES, limits: MERGE_RESOURCES },
              volumeMounts: [{ name: 'results', mountPath: RESULTS_DIR }],
              securityContext: CONTAINER_SECURITY,
            },
          ],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName } }],
        },
      },
    },
  };
  return { configMap, ...(claim ? { claim } : {}), shardJob, mergeJob, resultsDir };
}

/** In the order they are applied: what a pod mounts exists before the pod. */
export function runObjectList(r: RunObjects): K8sObject[] {
  return [r.configMap, ...(r.claim ? [r.claim] : []), r.shardJob, r.mergeJob];
}
