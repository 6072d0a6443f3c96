// `k8s render` and the first half of `k8s run`: the scenario and flags in, the
// checked objects and their YAML out.
import { loadScenario } from '../load/scenario/load-scenario.js';
import { toYaml } from './manifest-yaml.js';
import { type RunObjects, renderRun, runObjectList } from './render-manifests.js';
import { type RenderFlags, type RenderOptions, renderOptions } from './render-options.js';
import { validateObject } from './validate-manifests.js';

export interface Rendered {
  options: RenderOptions;
  objects: RunObjects;
  yaml: string;
}

export function renderManifests(
  scenarioFile: string,
  flags: RenderFlags,
  defaultImage: string,
  now = Date.now(),
): Rendered {
  const options = renderOptions(loadScenario(scenarioFile), flags, defaultImage, now);
  const objects = renderRun(options);
  const list = runObjectList(objects);
  for (const o of list) validateObject(o);
  const start = new Date(options.startAt).toISOString();
  const yaml = toYaml(list, [
    `engram-stream k8s render: scenario ${options.scenario.name}, ${options.shards} shard(s) against ${options.target}`,
    `Every shard starts at ${start}: apply before then (kubectl apply -f FILE); a shard not ready by then fails the run.`,
    `Results: claim ${objects.claim?.metadata.name ?? options.resultsClaim}, folder ${objects.resultsDir}; merged JSON also in: kubectl logs -n ${options.namespace} job/${objects.mergeJob.metadata.name}`,
  ]);
  return { options, objects, yaml };
}
