// How a WebSocket stream's end maps to a gRPC status code, so that both transports end
// streams in one vocabulary (docs/protocol.md, WebSocket). The server closes with
// 4000 + the code (the application range of RFC 6455); the close reason carries the
// start of the details, and the full text arrives first in an error (JSON) or an
// ERROR status (proto).
import { status } from '@grpc/grpc-js';

export const APPLICATION_CLOSE_BASE = 4000;
/** RFC 6455 limits a close reason to 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

export function closeCodeOf(code: status): number {
  return code === status.OK ? 1000 : APPLICATION_CLOSE_BASE + code;
}

/** The gRPC status code a WebSocket close code stands for. */
export function statusOfClose(closeCode: number): status {
  if (closeCode >= APPLICATION_CLOSE_BASE && closeCode <= APPLICATION_CLOSE_BASE + status.UNAUTHENTICATED) {
    return closeCode - APPLICATION_CLOSE_BASE;
  }
  switch (closeCode) {
    case 1000:
      return status.OK;
    case 1007:
    case 1003:
      return status.INVALID_ARGUMENT;
    case 1008:
      return status.PERMISSION_DENIED;
    case 1009:
      return status.RESOURCE_EXHAUSTED;
    case 1011:
      return status.INTERNAL;
    default:
      // 1001 going away, 1005 no code, 1006 the connection dropped.
      return status.UNAVAILABLE;
  }
}

/** A close reason of at most 123 bytes, cut at a character boundary. */
export function closeReason(details: string): string {
  if (Buffer.byteLength(details) <= MAX_REASON_BYTES) return details;
  let cut = details.slice(0, MAX_REASON_BYTES - 3);
  while (Buffer.byteLength(`${cut}...`) > MAX_REASON_BYTES) cut = cut.slice(0, -1);
  return `${cut}...`;
}
