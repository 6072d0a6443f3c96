// Runs kill-client.ts in its own process and follows what it printed.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./kill-client.ts', import.meta.url));

export interface ChildClient {
  process: ChildProcess;
  /** The last ACCEPTED sequence the child printed. */
  lastAccepted(): bigint;
  /** Resolves once the child printed an ACCEPTED sequence >= seq. */
  acceptedAtLeast(seq: bigint): Promise<void>;
  /** The child's exit code (128 + n when killed by signal n) and its final line. */
  exited: Promise<{ code: number; lastLine: string }>;
}

export function spawnChildClient(args: (string | number | bigint)[]): ChildClient {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args.map(String)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = 0n;
  let lastLine = '';
  let buffer = '';
  const waiters: Array<{ seq: bigint; resolve: () => void }> = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      lastLine = line;
      const m = /^accepted (\d+)$/.exec(line);
      if (m) last = BigInt(m[1] as string);
    }
    for (const w of waiters.filter((w) => last >= w.seq)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const exited = new Promise<{ code: number; lastLine: string }>((resolve) =>
    child.on('exit', (code, signal) =>
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), lastLine }),
    ),
  );
  return {
    process: child,
    lastAccepted: () => last,
    acceptedAtLeast: (seq) =>
      last >= seq ? Promise.resolve() : new Promise((resolve) => waiters.push({ seq, resolve })),
    exited,
  };
}
