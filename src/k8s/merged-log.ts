// The merged results as the merge pod printed them between marker lines (its
// log is the one place `k8s run` can read them from without mounting the volume).
import { MERGED_BEGIN, MERGED_END } from './pod-scripts.js';

/** The JSON text between the markers, or undefined when the pod printed none. */
export function mergedJsonFromLog(log: string): string | undefined {
  const begin = log.indexOf(`${MERGED_BEGIN}\n`);
  const end = log.lastIndexOf(MERGED_END);
  if (begin < 0 || end < begin) return undefined;
  return log.slice(begin + MERGED_BEGIN.length + 1, end).trim();
}

/** The last non-empty line of a log: where engram-stream says why it stopped. */
export function lastLine(log: string): string {
  return (
    log
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && l !== MERGED_END)
      .at(-1) ?? '(the log is empty)'
  );
}
