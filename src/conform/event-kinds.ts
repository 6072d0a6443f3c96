// Narrowed history event types and their guards, named once for the cases.
import type { HistoryEvent } from '../history/history.js';

export type AckEvent = Extract<HistoryEvent, { type: 'ack' }>;
export type StatusEvent = Extract<HistoryEvent, { type: 'status' }>;
export type EndEvent = Extract<HistoryEvent, { type: 'stream-end' }>;
export type InitAckEvent = Extract<HistoryEvent, { type: 'init-ack' }>;

export const isAck = (e: HistoryEvent): e is AckEvent => e.type === 'ack';
export const isStatus = (e: HistoryEvent): e is StatusEvent => e.type === 'status';
export const isEnd = (e: HistoryEvent): e is EndEvent => e.type === 'stream-end';

/** An ACCEPTED or REJECTED ack: the outcome of one observation (INDEXED marks are not). */
export const isOutcomeAck = (e: HistoryEvent): e is AckEvent => e.type === 'ack' && e.status !== 'INDEXED';
export const isIndexedAck = (e: HistoryEvent): e is AckEvent => e.type === 'ack' && e.status === 'INDEXED';
