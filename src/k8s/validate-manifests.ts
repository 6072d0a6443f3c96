// Every object is checked against the Kubernetes API's OpenAPI definitions (those
// of Kubernetes 1.33, as kubernetes-models ships them) before anyone sees it: a
// value of the wrong type, a missing required field or a bad enum is a bug here,
// never a manifest the API server refuses halfway through a run. Field names are
// checked by the compiler (render-manifests.ts builds the objects with the same
// definitions' types), because the definitions allow unknown fields.
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { K8sObject } from './render-manifests.js';

function model(o: K8sObject): { validate(): void } {
  switch (o.kind) {
    case 'ConfigMap':
      return new ConfigMap(o);
    case 'PersistentVolumeClaim':
      return new PersistentVolumeClaim(o);
    case 'Job':
      return new Job(o);
  }
}

/** Throws an Error naming the object and the first failing path. */
export function validateObject(o: K8sObject): void {
  try {
    model(o).validate();
  } catch (err) {
    const e = err as Error & { errors?: { instancePath: string; message?: string }[] };
    const first = e.errors?.[0];
    const where = first ? `${first.instancePath || '/'}: ${first.message ?? 'invalid'}` : e.message;
    throw new Error(
      `rendered ${o.kind} ${o.metadata.name} does not validate against the Kubernetes API schema: ${where}`,
    );
  }
}
