// Shards started with --start-at merge only with shards of the same instant, and
// the merged record says how far apart they started and which one was latest.
import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../src/judge/merge/merge-results.js';
import { startText } from '../../src/report/console/start-text.js';
import type { BenchResults, StartRecord } from '../../src/results/results.js';
import { parseResults } from '../../src/results/results-schema.js';
import { UserError } from '../../src/util/user-error.js';
import { sampleBench } from '../support/sample-results.js';

const AT = Date.UTC(2026, 11, 2, 18, 0, 0);

function shard(index: number, start: StartRecord | undefined): BenchResults {
  const r: BenchResults = { ...sampleBench(3, AT), shard: { index, count: 3 } };
  if (start) r.start = start;
  return r;
}

const at = new Date(AT).toISOString();

describe('merging shards started at one instant', () => {
  it('keeps the instant and reports each shard, the spread and the latest', () => {
    const merged = mergeResults([
      shard(2, { at, readyBeforeMs: 900, latenessMs: 4.5 }),
      shard(0, { at, readyBeforeMs: 1200, latenessMs: 1.25 }),
      shard(1, { at, readyBeforeMs: 700, latenessMs: 2 }),
    ]);
    expect(merged.start).toEqual({
      at,
      readyBeforeMs: 700,
      latenessMs: 4.5,
      spreadMs: 3.25,
      shards: [
        { index: 0, readyBeforeMs: 1200, latenessMs: 1.25 },
        { index: 1, readyBeforeMs: 700, latenessMs: 2 },
        { index: 2, readyBeforeMs: 900, latenessMs: 4.5 },
      ],
    });
    expect(startText(merged.start as StartRecord)).toBe(
      `started at ${at} (--start-at); 3 shards started within 3.25 ms of each other (latest: shard 2, first send 4.5 ms late); every shard ready at least 0.7 s before`,
    );
    // The record survives the results schema (what `report` reads back).
    expect(parseResults(JSON.stringify(merged), 'merged.json')).toEqual(merged);
  });

  it('says when the latest shard started beyond the lateness budget', () => {
    const merged = mergeResults([
      shard(0, { at, readyBeforeMs: 500, latenessMs: 0.5 }),
      shard(1, { at, readyBeforeMs: 500, latenessMs: 312 }),
      shard(2, { at, readyBeforeMs: 500, latenessMs: 1 }),
    ]);
    expect(startText(merged.start as StartRecord)).toContain('STARTED LATE');
  });

  it('refuses shards started at different instants, or some without --start-at', () => {
    const other = new Date(AT + 1000).toISOString();
    const differing = [
      shard(0, { at, readyBeforeMs: 1, latenessMs: 1 }),
      shard(1, { at: other, readyBeforeMs: 1, latenessMs: 1 }),
      shard(2, { at, readyBeforeMs: 1, latenessMs: 1 }),
    ];
    expect(() => mergeResults(differing, ['a.json', 'b.json', 'c.json'])).toThrow(UserError);
    expect(() => mergeResults(differing, ['a.json', 'b.json', 'c.json'])).toThrow(
      `merge: b.json started at --start-at ${other} but a.json started at --start-at ${at}; merge only shards started together`,
    );
    const mixed = [shard(0, undefined), shard(1, { at, readyBeforeMs: 1 }), shard(2, undefined)];
    expect(() => mergeResults(mixed, ['a.json', 'b.json', 'c.json'])).toThrow(
      'merge: b.json started at --start-at',
    );
    // Without --start-at anywhere, nothing changes.
    expect(
      mergeResults([shard(0, undefined), shard(1, undefined), shard(2, undefined)]).start,
    ).toBeUndefined();
  });
});
