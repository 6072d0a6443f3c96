// The rendered objects as one multi-document YAML stream, ready for `kubectl apply -f -`.
import { stringify } from 'yaml';
import type { K8sObject } from './render-manifests.js';

export function toYaml(objects: K8sObject[], header: string[]): string {
  const comments = header.map((line) => `# ${line}`).join('\n');
  // Long lines stay whole (the scripts and the scenario read better unfolded); no YAML anchors.
  const docs = objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }));
  return `${comments}\n${docs.map((d) => `---\n${d}`).join('')}`;
}
