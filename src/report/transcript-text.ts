import type { CaseResult, TranscriptEntry } from '../results/results.js';

const ARROWS: Record<TranscriptEntry['dir'], string> = { out: '->', in: '<-', note: '..' };

/** One line per entry: time since case start, direction (-> sent, <- received, .. note), stream, text. */
export function formatTranscriptLine(e: TranscriptEntry): string {
  const stream = e.stream === undefined ? '' : `[s${e.stream}] `;
  return `${e.t.toFixed(1).padStart(8)} ms ${ARROWS[e.dir]} ${stream}${e.text}`;
}

/** The whole transcript, ending with how many entries were left out, if any. */
export function formatTranscript(c: CaseResult): string {
  const lines = c.transcript.map(formatTranscriptLine);
  if (c.transcriptOmitted)
    lines.push(`(${c.transcriptOmitted} more entries left out to keep the file small)`);
  return lines.join('\n');
}
