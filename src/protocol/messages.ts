// TypeScript shapes of the engram.v1 streaming messages (proto/engram/v1/service.proto).
// uint64 values are bigint end to end so that sequences past 2^53 stay exact.
// Timestamps are epoch milliseconds (fractional) as numbers.

// The history records capabilities exactly as the target said them, so their type lives
// with the history model, below the wire layer.
import type { StreamCapabilities } from '../history/history.js';

export type { StreamCapabilities };

export const AckStatus = { UNSPECIFIED: 0, ACCEPTED: 1, INDEXED: 2, REJECTED: 3 } as const;
export type AckStatus = (typeof AckStatus)[keyof typeof AckStatus];

export const StreamState = {
  UNSPECIFIED: 0,
  ACTIVE: 1,
  PAUSED: 2,
  BACKPRESSURE: 3,
  OVERLOADED: 4,
  ERROR: 5,
  CLOSED: 6,
} as const;
export type StreamState = (typeof StreamState)[keyof typeof StreamState];

export const RejectReason = {
  UNSPECIFIED: 0,
  SEQUENCE_GAP: 1,
  DUPLICATE_SEQUENCE: 2,
  OVERLOADED: 3,
  INVALID_OBSERVATION: 4,
  SESSION_CLOSING: 5,
  SPACE_FULL: 6,
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export const FlowAction = {
  UNSPECIFIED: 0,
  PAUSE: 1,
  RESUME: 2,
  SLOW_DOWN: 3,
  SPEED_UP: 4,
  BUFFER_STATUS: 5,
} as const;
export type FlowAction = (typeof FlowAction)[keyof typeof FlowAction];

/** Names for reports and logs, indexed by the enum value. */
export const ackStatusName = ['UNSPECIFIED', 'ACCEPTED', 'INDEXED', 'REJECTED'] as const;
export const streamStateName = [
  'UNSPECIFIED',
  'ACTIVE',
  'PAUSED',
  'BACKPRESSURE',
  'OVERLOADED',
  'ERROR',
  'CLOSED',
] as const;
export const rejectReasonName = [
  'UNSPECIFIED',
  'SEQUENCE_GAP',
  'DUPLICATE_SEQUENCE',
  'OVERLOADED',
  'INVALID_OBSERVATION',
  'SESSION_CLOSING',
  'SPACE_FULL',
] as const;
export type RejectReasonName = (typeof rejectReasonName)[number];

export interface Confidence {
  value: number;
  category: number;
  reasoning: string;
}

export interface Episode {
  id: string;
  whenMs?: number;
  what: string;
  /** Empty when the message carried no embedding. */
  embedding: Float32Array;
  encodingConfidence?: Confidence;
  whereLocation: string;
  who: string[];
  why: string;
  how: string;
  decayRate: number;
  emotionalValence: number;
  importance: number;
}

export interface StreamInit {
  clientBufferSize: number;
  enableBackpressure: boolean;
  maxBatchSize: number;
  resume: boolean;
  indexAcks: boolean;
}

export interface FlowControl {
  action: FlowAction | number;
  bufferRemaining: number;
  preferredRate: number;
  reason: string;
}

export interface StreamClose {
  drainQueue: boolean;
  lastSequence: bigint;
  /**
   * Set by the JSON dialect's decoder, never sent: the close named no last_sequence (a
   * client of the public server does not know the field), so there is nothing to check.
   */
  lastSequenceUnnamed?: true;
}

export type Operation =
  | { case: 'init'; init: StreamInit }
  | { case: 'observation'; observation: Episode }
  | { case: 'flow'; flow: FlowControl }
  | { case: 'close'; close: StreamClose };

export interface ObservationRequest {
  memorySpaceId: string;
  /** Absent when the request carried no operation. */
  operation?: Operation;
  sessionId: string;
  sequenceNumber: bigint;
  /**
   * Set by the server's decoder, never sent: the bytes were not a valid ObservationRequest,
   * and this says why. The handler answers it (WIRE-8) instead of grpc-js ending the call.
   */
  malformed?: string;
}

export interface StreamInitAck {
  sessionId: string;
  initialSequence: bigint;
  capabilities?: StreamCapabilities;
}

export interface ObservationAck {
  status: AckStatus | number;
  memoryId: string;
  committedAtMs?: number;
  reason: RejectReason | number;
  expectedSequence: bigint;
  retryAfterMs: number;
  detail: string;
}

export interface StreamStatus {
  state: StreamState | number;
  message: string;
  queueDepth: number;
  queueCapacity: number;
  pressure: number;
  retryAfterMs: number;
  lastAcceptedSequence: bigint;
  indexedThroughSequence: bigint;
}

export type ResponseResult =
  | { case: 'initAck'; initAck: StreamInitAck }
  | { case: 'ack'; ack: ObservationAck }
  | { case: 'status'; status: StreamStatus };

export interface ObservationResponse {
  result?: ResponseResult;
  sessionId: string;
  sequenceNumber: bigint;
  serverTimestampMs?: number;
}

export function emptyEpisode(): Episode {
  return {
    id: '',
    what: '',
    embedding: new Float32Array(0),
    whereLocation: '',
    who: [],
    why: '',
    how: '',
    decayRate: 0,
    emotionalValence: 0,
    importance: 0,
  };
}

/** Capabilities all at their defaults: what a server that says nothing is assumed to have (WIRE-6). */
export function noCapabilities(): StreamCapabilities {
  return {
    maxObservationsPerSecond: 0,
    queueCapacity: 0,
    supportsBackpressure: false,
    supportsSnapshotIsolation: false,
    embeddingDim: 0,
    supportsResume: false,
    supportsIndexAcks: false,
    sessionIdleTimeoutMs: 0,
    maxTextBytes: 0,
  };
}

export function emptyAck(): ObservationAck {
  return {
    status: 0,
    memoryId: '',
    reason: 0,
    expectedSequence: 0n,
    retryAfterMs: 0,
    detail: '',
  };
}

export function emptyStatus(): StreamStatus {
  return {
    state: 0,
    message: '',
    queueDepth: 0,
    queueCapacity: 0,
    pressure: 0,
    retryAfterMs: 0,
    lastAcceptedSequence: 0n,
    indexedThroughSequence: 0n,
  };
}

// ---- RecallStream (decoded by proto-loader: camelCase, uint64/int64 as strings) ----

export interface RecallRequest {
  memorySpaceId: string;
  sessionId?: string;
  cue: { id?: string; embedding: { vector: number[]; similarityThreshold?: number }; maxResults?: number };
  maxResults: number;
}

export interface RecalledMemory {
  id: string;
  activation: number;
  content?: string;
}

export interface RecallResponse {
  results: RecalledMemory[];
  moreResults: boolean;
  metadata?: { totalActivated: number; aboveThreshold: number; avgActivation: number; recallTimeMs: string };
  snapshotSequence: string;
}
