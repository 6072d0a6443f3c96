// The shell around engram-stream in the rendered pods. The shard's script turns
// the shard's own verdict (exit 1 or 3) into success, because only the merged
// data decides the run and a failed pod would make Kubernetes stop the other
// shards; any other exit leaves a marker on the results volume, so the merge
// stops waiting at once. The merge's script waits for every shard's results,
// merges them, and prints the merged JSON between marker lines, which is how
// `k8s run` reads it back from the pod's log.

/** Lines around the merged results JSON in the merge pod's log. */
export const MERGED_BEGIN = '----- engram-stream merged results begin -----';
export const MERGED_END = '----- engram-stream merged results end -----';

/** Run as `sh -c SCRIPT engram-stream ARGS...`: "$@" are the bench arguments. */
export function shardScript(resultsDir: string): string {
  return [
    'engram-stream "$@"',
    'code=$?',
    // 1 (failed) and 3 (inconclusive) are this shard's verdict: the results are written, the merge judges.
    'case $code in 0|1|3) exit 0 ;; esac',
    `mkdir -p '${resultsDir}' && echo "$code" > '${resultsDir}'/shard-"$JOB_COMPLETION_INDEX".failed`,
    'exit $code',
  ].join('\n');
}

/** Run as `sh -c SCRIPT engram-stream ARGS...`: "$@" are the report arguments. */
export function mergeScript(resultsDir: string, shards: number, mergedFile: string): string {
  return [
    `until [ "$(ls '${resultsDir}'/shard-*.json 2>/dev/null | wc -l)" -ge ${shards} ]; do`,
    `  if ls '${resultsDir}'/shard-*.failed >/dev/null 2>&1; then`,
    `    echo "engram-stream: shard(s) $(cd '${resultsDir}' && ls shard-*.failed | sed 's/shard-//; s/.failed//' | tr '\\n' ' ')failed, so there is nothing to merge; read their logs" >&2`,
    '    exit 2',
    '  fi',
    '  sleep 2',
    'done',
    'engram-stream "$@"',
    'code=$?',
    `if [ -f '${mergedFile}' ]; then echo '${MERGED_BEGIN}'; cat '${mergedFile}'; echo; echo '${MERGED_END}'; fi`,
    'exit $code',
  ].join('\n');
}
