// What a stream does once a `close` passed its last_sequence check (CLS-1, CLS-3).

export interface CloseSteps {
  readonly drain: boolean;
  /** Resolves once every accepted observation of the session is visible. */
  waitVisible(): Promise<void>;
  /** The final INDEXED ack (only to a stream that asked for them and only when something was accepted). */
  sendFinalIndexed(): void;
  /** StreamStatus STATE_CLOSED. */
  sendClosed(): void;
  /** Ends the RPC with OK. */
  end(): void;
}

export type CloseHandler = (steps: CloseSteps) => Promise<void>;

export const closeStream: CloseHandler = async (steps) => {
  if (steps.drain) {
    await steps.waitVisible();
    steps.sendFinalIndexed();
  }
  steps.sendClosed();
  steps.end();
};
