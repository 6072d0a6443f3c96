// The connection to a cluster for `k8s run`: the kubeconfig (--kubeconfig, else
// $KUBECONFIG, ~/.kube/config or the pod's service account) and one translation
// of every failure into a line a user can act on.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiException, BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../util/user-error.js';

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
}

export interface Cluster {
  core: CoreV1Api;
  batch: BatchV1Api;
  /** The API server's address, for messages. */
  server: string;
}

function hasDefaultConfig(): boolean {
  if (process.env.KUBECONFIG) return true;
  if (process.env.KUBERNETES_SERVICE_HOST) return true;
  return existsSync(path.join(os.homedir(), '.kube', 'config'));
}

export function connectCluster(flags: ClusterFlags): Cluster {
  const kc = new KubeConfig();
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig)) {
      throw new UserError(`--kubeconfig ${flags.kubeconfig}: no such file; give the path of a kubeconfig`);
    }
    try {
      kc.loadFromFile(flags.kubeconfig);
    } catch (err) {
      throw new UserError(`--kubeconfig ${flags.kubeconfig} is not a kubeconfig: ${(err as Error).message}`);
    }
  } else if (!hasDefaultConfig()) {
    throw new UserError(
      'no Kubernetes cluster configured: no $KUBECONFIG, no ~/.kube/config, not in a pod; pass --kubeconfig FILE (or use k8s render and kubectl)',
    );
  } else {
    kc.loadFromDefault();
  }
  if (flags.context) {
    if (!kc.getContexts().some((c) => c.name === flags.context)) {
      throw new UserError(
        `--context ${flags.context}: the kubeconfig has no such context (it has: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')})`,
      );
    }
    kc.setCurrentContext(flags.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new UserError(
      'the kubeconfig names no current cluster; set a context (kubectl config use-context NAME) or pass --context',
    );
  }
  return { core: kc.makeApiClient(CoreV1Api), batch: kc.makeApiClient(BatchV1Api), server: cluster.server };
}

/** What the API server said, from its Status body, or the HTTP code. */
function statusMessage(err: ApiException<unknown>): string {
  try {
    const status = JSON.parse(String(err.body)) as { message?: string; reason?: string };
    if (status.message) return status.message;
  } catch {
    // Not a Status object: say the code.
  }
  return `HTTP ${err.code}`;
}

/** Runs one API call; any failure is a UserError saying what was being done and what to check. */
export async function call<T>(cluster: Cluster, doing: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (err instanceof ApiException) {
      const advice =
        err.code === 409
          ? 'delete the old objects (kubectl delete) or give another --name'
          : err.code === 401 || err.code === 403
            ? 'check your credentials and RBAC for this namespace'
            : 'check the namespace and the cluster';
      throw new UserError(`${doing}: the Kubernetes API refused: ${statusMessage(err)}; ${advice}`);
    }
    const code = (err as { code?: string }).code;
    if (!code) {
      // Refused by the client before any request (e.g. its TLS settings): its own words.
      throw new UserError(`${doing}: ${(err as Error).message}; check the cluster's entry in the kubeconfig`);
    }
    throw new UserError(
      `${doing}: cannot reach the Kubernetes API at ${cluster.server} (${code}): is the cluster up? check the kube context (kubectl cluster-info) or --kubeconfig`,
    );
  }
}
