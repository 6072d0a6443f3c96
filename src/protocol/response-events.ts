// Turns ObserveStream responses into history events (one place, so bench and
// conform record identically).
import type { HistoryEvent, SessionKey, StreamId } from '../history/history.js';
import type { ObservationResponse } from './messages.js';
import { ackStatusName, rejectReasonName, streamStateName } from './messages.js';

export function responseEvent(
  r: ObservationResponse,
  t: number,
  stream: StreamId,
  session: SessionKey,
): HistoryEvent | undefined {
  const res = r.result;
  if (!res) return undefined;
  switch (res.case) {
    case 'initAck': {
      const e: HistoryEvent = {
        t,
        type: 'init-ack',
        stream,
        session,
        sessionId: res.initAck.sessionId,
        initialSequence: res.initAck.initialSequence,
      };
      if (res.initAck.capabilities) e.capabilities = res.initAck.capabilities;
      return e;
    }
    case 'ack': {
      const a = res.ack;
      return {
        t,
        type: 'ack',
        stream,
        session,
        seq: r.sequenceNumber,
        // An unknown status value is recorded as UNSPECIFIED: the checker treats it as no outcome.
        status: ackStatusName[a.status] ?? 'UNSPECIFIED',
        reason: a.reason === 0 ? '' : (rejectReasonName[a.reason] ?? `REASON_${a.reason}`),
        expectedSequence: a.expectedSequence,
        retryAfterMs: a.retryAfterMs,
        sessionId: r.sessionId,
      };
    }
    case 'status': {
      const s = res.status;
      return {
        t,
        type: 'status',
        stream,
        session,
        state: streamStateName[s.state] ?? 'UNSPECIFIED',
        queueDepth: s.queueDepth,
        queueCapacity: s.queueCapacity,
        pressure: s.pressure,
        retryAfterMs: s.retryAfterMs,
        lastAcceptedSequence: s.lastAcceptedSequence,
        indexedThroughSequence: s.indexedThroughSequence,
        message: s.message,
      };
    }
  }
}
