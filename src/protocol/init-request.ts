import type { ObservationRequest } from './messages.js';

export interface InitOptions {
  memorySpaceId: string;
  /** Empty or absent: the server assigns one. */
  sessionId?: string;
  resume?: boolean;
  /** On resume: the last sequence this client saw acknowledged. */
  claimedSequence?: bigint;
  indexAcks?: boolean;
  clientBufferSize?: number;
  enableBackpressure?: boolean;
  maxBatchSize?: number;
}

/** The `init` request that opens (or, with resume, re-attaches) a session on a stream. */
export function initRequest(o: InitOptions): ObservationRequest {
  return {
    memorySpaceId: o.memorySpaceId,
    sessionId: o.sessionId ?? '',
    sequenceNumber: o.claimedSequence ?? 0n,
    operation: {
      case: 'init',
      init: {
        clientBufferSize: o.clientBufferSize ?? 0,
        enableBackpressure: o.enableBackpressure ?? true,
        maxBatchSize: o.maxBatchSize ?? 0,
        resume: o.resume ?? false,
        indexAcks: o.indexAcks ?? false,
      },
    },
  };
}
