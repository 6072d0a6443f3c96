// What the target says about itself: one throwaway session's init ack. If this
// fails the target cannot be tested at all (a connection or usage error).
import { randomBytes } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { noCapabilities, type StreamCapabilities } from '../protocol/messages.js';

import { RecordedStream } from '../protocol/recorded-stream.js';
import { runClock } from '../protocol/run-clock.js';
import type { StreamClient } from '../protocol/stream-client.js';
import { UserError } from '../util/user-error.js';

export async function discoverCapabilities(
  streams: StreamClient,
  address: string,
  metadata: grpc.Metadata,
  timeoutMs: number,
): Promise<StreamCapabilities> {
  const callMetadata = metadata.clone();
  const stream = RecordedStream.over(streams.openObserve(callMetadata), {
    stream: 0,
    session: 'capabilities',
    sink: () => {},
    clock: runClock(),
    metadata: callMetadata,
  });
  stream.init({ memorySpaceId: `conform-capabilities-${randomBytes(3).toString('hex')}` });
  try {
    const ack = await stream.initAck(timeoutMs);
    stream.halfClose();
    await Promise.race([stream.ended, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    return ack.capabilities ?? noCapabilities();
  } catch (err) {
    stream.cut();
    throw new UserError(
      `cannot open a session on ${address} (${(err as Error).message}); check --target and that the server is up`,
    );
  }
}

/** The capabilities as the flat record TargetInfo keeps. */
export function capabilitiesRecord(c: StreamCapabilities): Record<string, number | boolean> {
  return { ...c };
}
