// SIGTERM and SIGINT for `serve`: the first stops gracefully (SHUT-1, SHUT-2: drain,
// final INDEXED acks, UNAVAILABLE, exit 0); a second one exits at once, because an
// operator who asks twice wants out, and says what was abandoned on the way.
export interface Backlog {
  /** Accepted observations not yet visible to recall. */
  queued: number;
  openStreams: number;
  sessions: number;
}

export interface Stoppable {
  shutdown(): Promise<void>;
  backlog(): Backlog;
}

export interface SignalIo {
  write(line: string): void;
  exit(code: number): void;
  /** Ends the process now, killed by this signal (the shell sees 128 + its number). */
  die(signal: NodeJS.Signals): void;
}

const processIo: SignalIo = {
  write: (line) => process.stderr.write(line),
  exit: (code) => process.exit(code),
  // Re-raising with the default action ends the process at once, as Unix tools do; process.exit
  // would first tear down index workers that may be inside a native addPoint.
  die: (signal) => {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  },
};

export function stopOnSignals(server: Stoppable, io: SignalIo = processIo): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const b = server.backlog();
    if (draining) {
      io.write(
        `engram-stream serve: second ${signal}: exiting now; abandoned ${b.queued} accepted observation(s) ` +
          `not yet indexed, ${b.openStreams} open stream(s), ${b.sessions} session(s)\n`,
      );
      io.die(signal);
      return;
    }
    draining = true;
    io.write(
      `engram-stream serve: ${signal}: draining ${b.queued} queued observation(s) into the index; ` +
        `send ${signal} again to exit at once\n`,
    );
    void server.shutdown().then(() => io.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
