// The checker and network faults: a stream the network broke (UNAVAILABLE while a fault was
// on its connection) is no finding, also when the fault's event is observed after the end;
// one the network did not touch still is. Recovery and detection are measured from the
// faults' times.
import { describe, expect, it } from 'vitest';
import type { NetworkMeasure } from '../../src/check/network-windows.js';
import { HistoryBuilder } from './history-builder.js';

const UNAVAILABLE = 14;

function netFault(h: HistoryBuilder, t: number, fault: string, phase: 'start' | 'end', id = 1): void {
  h.events.push({ t, type: 'net-fault', session: 's', fault, id, phase, connections: 1 });
}

describe('checker with network faults', () => {
  it('an UNAVAILABLE end with no network fault is a stream error', () => {
    const h = new HistoryBuilder().open(1, 's').happy(1, 1n, 3n).end(1, UNAVAILABLE);
    const r = h.check();
    expect(r.findings.map((f) => f.kind)).toEqual(['stream-error']);
    expect(r.counts.networkEnds).toBe(0);
  });

  it('a reset explains the end of the stream it broke, even when its event comes after the end', () => {
    const h = new HistoryBuilder().open(1, 's').happy(1, 1n, 3n).at(50).end(1, UNAVAILABLE);
    netFault(h, 40, 'reset', 'start');
    netFault(h, 40, 'reset', 'end');
    const r = h.check();
    expect(r.findings).toEqual([]);
    expect(r.counts.networkEnds).toBe(1);
    expect(r.counts.networkFaults).toBe(1);
  });

  it('a stream opened after the fault ended is not explained by it', () => {
    const h = new HistoryBuilder();
    netFault(h, 5, 'reset', 'start');
    netFault(h, 5, 'reset', 'end');
    h.at(10).open(1, 's').happy(1, 1n, 2n).end(1, UNAVAILABLE);
    expect(h.check().findings.map((f) => f.kind)).toEqual(['stream-error']);
  });

  it('recovery: from the end of a fault to the next ACCEPTED ack, also when the ack was observed first', () => {
    const h = new HistoryBuilder().open(1, 's').send(1, 1n).at(100).accept(1, 1n);
    netFault(h, 60, 'bandwidth', 'start');
    netFault(h, 70, 'bandwidth', 'end');
    h.at(120).send(1, 2n).at(200).accept(1, 2n);
    netFault(h, 150, 'latency', 'start', 2);
    netFault(h, 160, 'latency', 'end', 2);
    const seen: [NetworkMeasure, number][] = [];
    h.check({ onNetworkMeasure: (what, ms) => seen.push([what, ms]) });
    expect(seen).toEqual([
      ['recovery', 30],
      ['recovery', 40],
    ]);
  });

  it('detection: from a black hole to the end of the connection it silenced', () => {
    const h = new HistoryBuilder().open(1, 's').happy(1, 1n, 2n);
    netFault(h, 10, 'blackhole', 'start');
    h.at(310).end(1, UNAVAILABLE);
    netFault(h, 1000, 'blackhole', 'end');
    const seen: [NetworkMeasure, number][] = [];
    const r = h.check({ onNetworkMeasure: (what, ms) => seen.push([what, ms]) });
    expect(seen).toEqual([['detection', 300]]);
    expect(r.findings).toEqual([]);
  });
});
