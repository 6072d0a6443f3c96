// Writes the JUnit XML dialect that Jenkins (junit-10 schema), GitLab and GitHub test
// reporters read: testsuites > testsuite > testcase, with failure / error / skipped.
import { escapeMarkup } from './escape.js';

export type JunitOutcome =
  | { kind: 'passed' }
  | { kind: 'failure' | 'error'; type: string; message: string; detail: string }
  | { kind: 'skipped'; message: string };

export interface JunitCase {
  name: string;
  classname: string;
  seconds: number;
  outcome: JunitOutcome;
  /** Context worth keeping next to the case (notes, transcripts). */
  output?: string;
}

export interface JunitSuite {
  name: string;
  timestamp: string;
  hostname: string;
  properties: [string, string][];
  cases: JunitCase[];
}

const attr = (name: string, value: string | number): string => ` ${name}="${escapeMarkup(value)}"`;

// Seconds as plain decimals: the junit-10 schema rejects exponents and "NaN".
const seconds = (s: number): string => (Number.isFinite(s) && s > 0 ? s.toFixed(3) : '0.000');

function testcase(c: JunitCase): string {
  const open = `    <testcase${attr('name', c.name)}${attr('classname', c.classname)}${attr('time', seconds(c.seconds))}`;
  const body: string[] = [];
  const o = c.outcome;
  if (o.kind === 'failure' || o.kind === 'error') {
    body.push(
      `      <${o.kind}${attr('type', o.type)}${attr('message', o.message)}>${escapeMarkup(o.detail)}</${o.kind}>`,
    );
  } else if (o.kind === 'skipped') {
    body.push(`      <skipped${attr('message', o.message)}/>`);
  }
  if (c.output) body.push(`      <system-out>${escapeMarkup(c.output)}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

function count(cases: JunitCase[], kind: JunitOutcome['kind']): number {
  return cases.filter((c) => c.outcome.kind === kind).length;
}

function totalSeconds(cases: JunitCase[]): number {
  return cases.reduce((sum, c) => sum + c.seconds, 0);
}

function testsuite(s: JunitSuite): string {
  const head =
    `  <testsuite${attr('name', s.name)}${attr('tests', s.cases.length)}${attr('failures', count(s.cases, 'failure'))}` +
    `${attr('errors', count(s.cases, 'error'))}${attr('skipped', count(s.cases, 'skipped'))}` +
    `${attr('time', seconds(totalSeconds(s.cases)))}${attr('timestamp', s.timestamp)}${attr('hostname', s.hostname)}>`;
  const props = s.properties.map(([k, v]) => `      <property${attr('name', k)}${attr('value', v)}/>`);
  const parts = [head];
  if (props.length > 0) parts.push('    <properties>', ...props, '    </properties>');
  parts.push(...s.cases.map(testcase), '  </testsuite>');
  return parts.join('\n');
}

export function writeJunitXml(name: string, suites: JunitSuite[]): string {
  const all = suites.flatMap((s) => s.cases);
  const head =
    `<testsuites${attr('name', name)}${attr('tests', all.length)}${attr('failures', count(all, 'failure'))}` +
    `${attr('errors', count(all, 'error'))}${attr('time', seconds(totalSeconds(all)))}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites.map(testsuite), '</testsuites>', ''].join(
    '\n',
  );
}
