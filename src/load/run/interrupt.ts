// Ctrl-C during a bench run: the first stops the run gracefully (what is in flight still
// gets its outcome, the embedded server stops, the results are written); the second quits now.
export function stopOnCtrlC(): AbortSignal {
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping: waiting for the outcomes in flight (Ctrl-C again to quit now)\n');
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return interrupt.signal;
}
