// JUnit XML of a results file, for CI test reporters (Jenkins, GitLab, GitHub).
// conform: one testcase per case; bench: one per threshold, per checker finding kind, and run health.

import type { Results } from '../results/results.js';
import { benchSuites } from './junit-bench.js';
import { conformSuites } from './junit-conform.js';
import { writeJunitXml } from './junit-xml.js';

export function renderJunit(results: Results): string {
  if (results.kind === 'conform') return writeJunitXml('engram-stream conform', conformSuites(results));
  return writeJunitXml(`engram-stream bench ${results.scenario.name}`, benchSuites(results));
}
