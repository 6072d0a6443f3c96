import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCHEMA = new URL('../fixtures/junit-jenkins.xsd', import.meta.url).pathname;

export const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
if (!hasXmllint) console.warn('JUnit schema tests skipped: no xmllint (apt-get install -y libxml2-utils)');

/** Validates a JUnit document against the schema; throws with xmllint's message when invalid. */
export function validateJunit(xml: string): void {
  const file = join(mkdtempSync(join(tmpdir(), 'junit-')), 'junit.xml');
  writeFileSync(file, xml);
  execFileSync('xmllint', ['--noout', '--schema', SCHEMA, file], { stdio: 'pipe' });
}
