// The verdict of a bench run, in order: a correctness finding fails the run
// whatever the load; an interrupted run or a generator bottleneck makes it
// inconclusive (the schedule did not run, or the figures describe the generator);
// then failed thresholds fail it; a threshold that could not be judged makes it
// inconclusive (an unmeasured SLO is never a pass).

import type { Finding } from '../check/findings.js';
import type { GeneratorHealth, ThresholdResult, Verdict } from '../results/results.js';

export interface VerdictInputs {
  findings: Finding[];
  thresholds: ThresholdResult[];
  health: GeneratorHealth;
  /** The threshold that aborted the run, if one did. */
  abortedBy?: string;
  /** Stopped from outside before the schedule ended. */
  interrupted?: boolean;
}

export function judgeRun(v: VerdictInputs): { verdict: Verdict; reasons: string[] } {
  const failing = v.findings.filter((f) => f.severity === 'fail');
  if (failing.length > 0) {
    return { verdict: 'failed', reasons: failing.map((f) => `${f.kind} (${f.count}): ${f.message}`) };
  }
  const failed = v.thresholds.filter((t) => t.passed === false);
  const thresholdReasons = failed.map(
    (t) => `threshold failed [${t.scope}]: ${t.expression} (actual ${t.actual})`,
  );
  if (v.abortedBy) thresholdReasons.unshift(`aborted: ${v.abortedBy} failed during the run`);
  if (v.interrupted) {
    return {
      verdict: 'inconclusive',
      reasons: ['interrupted before the schedule ended', ...thresholdReasons],
    };
  }
  if (v.health.bottleneck) {
    return {
      verdict: 'inconclusive',
      reasons: [v.health.note ?? 'the generator was the bottleneck', ...thresholdReasons],
    };
  }
  if (thresholdReasons.length > 0) return { verdict: 'failed', reasons: thresholdReasons };
  const unjudged = v.thresholds.filter((t) => t.passed === null);
  if (unjudged.length > 0) {
    return {
      verdict: 'inconclusive',
      reasons: unjudged.map(
        (t) => `threshold not judged [${t.scope}]: ${t.expression}: ${t.note ?? 'no value'}`,
      ),
    };
  }
  return { verdict: 'passed', reasons: ['no check finding, every threshold passed, the generator kept up'] };
}
