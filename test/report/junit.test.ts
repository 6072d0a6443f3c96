import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/check/findings.js';
import { renderJunit } from '../../src/report/junit.js';
import { sampleBench, sampleConform } from '../support/sample-results.js';
import { hasXmllint, validateJunit } from './xmllint.js';

const testcases = (xml: string): string[] => xml.match(/<testcase\b[^>]*>/g) ?? [];
const decodeEntities = (s: string | undefined): string | undefined =>
  s?.replaceAll('&lt;', '<').replaceAll('&amp;', '&');

describe('renderJunit', () => {
  it.skipIf(!hasXmllint)('conform JUnit is valid against the Jenkins-style schema', () => {
    validateJunit(renderJunit(sampleConform()));
  });

  it.skipIf(!hasXmllint)('bench JUnit is valid against the Jenkins-style schema', () => {
    validateJunit(renderJunit(sampleBench()));
  });

  it('maps conform outcomes: FAIL failure, ERROR error, SKIP and INCONCLUSIVE skipped with reason', () => {
    const xml = renderJunit(sampleConform());
    expect(testcases(xml)).toHaveLength(6);
    for (const tc of testcases(xml)) {
      expect(tc).toMatch(/ name="[^"]+"/);
      expect(tc).toMatch(/ classname="engram-stream\.conform\.[a-z]+"/);
    }
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.match(/<error /g)).toHaveLength(1);
    expect(xml).toContain('<skipped message="SKIP: server lacks resume"/>');
    expect(xml).toContain('<skipped message="INCONCLUSIVE: only 3 samples"/>');
    expect(xml).toMatch(/<testsuites [^>]*tests="6" failures="1" errors="1"/);
  });

  it('counts NON-STRICT as a failure only under --strict', () => {
    const strict = { ...sampleConform(), strict: true };
    expect(renderJunit(strict).match(/<failure /g)).toHaveLength(2);
    expect(renderJunit(strict)).toContain('type="NON-STRICT"');
  });

  it('escapes markup and strips control characters from server-provided text', () => {
    for (const xml of [renderJunit(sampleConform()), renderJunit(sampleBench())]) {
      expect(xml).not.toContain('<script>');
      expect(xml).toContain('&lt;script&gt;');
      for (const ch of ['\u0001', '\u001b', '\uFFFE']) expect(xml).not.toContain(ch);
    }
  });

  it('bench: one testcase per threshold and per finding kind, failed ones as failures', () => {
    const r = sampleBench();
    const xml = renderJunit(r);
    const names = testcases(xml).map((t) => decodeEntities(/name="([^"]*)"/.exec(t)?.[1]));
    for (const t of r.thresholds) expect(names).toContain(`${t.expression} [${t.scope}]`);
    for (const k of FINDING_KINDS) expect(names.some((n) => n?.startsWith(`${k}: `))).toBe(true);
    expect(xml).toContain('type="silent-drop"');
    expect(xml).toContain('message="staleness.p99 measured 24.9 ms; required staleness.p99 &lt; 20ms (run)"');
    expect(xml).toContain('<skipped message="not measured: no probes"/>');
  });
});
