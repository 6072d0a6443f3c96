// One line of text per history event: the wire transcript of a case, and the
// "actual" of a failure, read the same way.
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { HistoryEvent } from '../history/history.js';
import type { StreamCapabilities } from '../protocol/messages.js';

export function statusCodeName(code: number): string {
  return GrpcStatus[code] ?? `code ${code}`;
}

function capabilitiesText(c: StreamCapabilities): string {
  return (
    `dim=${c.embeddingDim} resume=${c.supportsResume} index_acks=${c.supportsIndexAcks} ` +
    `queue_capacity=${c.queueCapacity} backpressure=${c.supportsBackpressure} ` +
    `idle_timeout_ms=${c.sessionIdleTimeoutMs} max_text_bytes=${c.maxTextBytes}`
  );
}

/** Shortens server-assigned UUIDs and the like so lines stay readable. */
function short(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…` : id;
}

export function describeEvent(e: HistoryEvent): string {
  switch (e.type) {
    case 'stream-open':
      // gRPC is the default and says nothing; another transport is named.
      return `open ObserveStream${e.transport && e.transport !== 'grpc' ? ` over ${e.transport}` : ''} (session ${e.session})`;
    case 'init-sent': {
      const id = e.sessionId ? ` session_id=${e.sessionId}` : ' session_id=""';
      const resume = e.resume ? ` resume=true sequence_number=${e.claimedSequence}` : '';
      return `init space=${e.memorySpaceId}${id}${resume} index_acks=${e.indexAcks}`;
    }
    case 'init-ack': {
      const caps = e.capabilities ? ` {${capabilitiesText(e.capabilities)}}` : ' (no capabilities)';
      return `init_ack session_id=${e.sessionId} initial_sequence=${e.initialSequence}${caps}`;
    }
    case 'send':
      return `observation seq=${e.seq} id=${e.episodeId}${e.intent === 'normal' ? '' : ` (${e.intent})`}${e.priority ? ' (priority)' : ''}`;
    case 'ack':
      return describeAck(e);
    case 'status': {
      const retry = e.retryAfterMs ? ` retry_after_ms=${e.retryAfterMs}` : '';
      const message = e.message ? ` "${e.message}"` : '';
      return (
        `status ${e.state} depth=${e.queueDepth}/${e.queueCapacity} pressure=${e.pressure.toFixed(2)} ` +
        `last_accepted=${e.lastAcceptedSequence} indexed_through=${e.indexedThroughSequence}${retry}${message}`
      );
    }
    case 'other-sent':
      return e.what;
    case 'close-sent':
      return `close drain_queue=${e.drain} last_sequence=${e.lastSequence}`;
    case 'stream-end':
      return e.byClient
        ? 'stream cut by the client'
        : `stream ended ${statusCodeName(e.code)}${e.details ? `: ${e.details}` : ''}`;
    case 'probe':
      return e.found
        ? `recall seq=${e.seq} id=${e.episodeId}: found (${e.occurrences}x) after ${e.polls} poll(s) every ${e.pollIntervalMs} ms`
        : `recall seq=${e.seq} id=${e.episodeId}: not found in ${e.polls} poll(s) every ${e.pollIntervalMs} ms`;
    case 'net-fault':
      return `network ${e.fault} ${e.phase === 'start' ? `on (${e.connections} connection(s))` : 'off'}`;
    case 'end':
      return 'end of history';
  }
}

function describeAck(e: Extract<HistoryEvent, { type: 'ack' }>): string {
  if (e.status === 'INDEXED') return `ack INDEXED through seq=${e.seq}`;
  const session = e.sessionId ? ` session_id=${short(e.sessionId)}` : ' session_id=""';
  if (e.status !== 'REJECTED') return `ack ${e.status} seq=${e.seq}${session}`;
  const retry = e.retryAfterMs ? ` retry_after_ms=${e.retryAfterMs}` : '';
  return `ack REJECTED seq=${e.seq} reason=${e.reason || 'UNSPECIFIED'} expected_sequence=${e.expectedSequence}${retry}${session}`;
}
