// grpc-js ends a call by itself when a request cannot be read (undecodable bytes,
// over the receive limit, bad compression). If the handler writes a response while
// that status is being flushed, grpc-js writes after the end of the HTTP/2 stream,
// fails, and never sends the trailers: the client waits forever for a status.
// This interceptor, first in the chain, sees every status the base call sends
// (also its own) and drops responses written after it, so the status always goes out.
import * as grpc from '@grpc/grpc-js';

export const callEndGuard: grpc.ServerInterceptor = (_method, call) => {
  let ended = false;
  // The base call sends its own statuses through this method too.
  const sendStatus = call.sendStatus.bind(call);
  call.sendStatus = (status) => {
    ended = true;
    sendStatus(status);
  };
  return new grpc.ServerInterceptingCall(call, {
    sendMessage: (message, next) => {
      if (!ended) next(message);
    },
  });
};
