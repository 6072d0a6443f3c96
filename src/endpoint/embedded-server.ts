// Starts the embedded reference server as a child process (never in the
// generator's or tester's own event loop) and waits until it listens.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/user-error.js';

/** bin/ is two levels above both src/endpoint and dist/endpoint. */
const BIN = fileURLToPath(new URL('../../bin/engram-stream.js', import.meta.url));
const READY = /^listening on (\S+)$/m;
const HTTP_READY = /^http listening on (\S+)$/m;
const STDERR_KEEP = 8192;

export interface EmbeddedServer {
  /** host:port to dial. */
  address: string;
  /** host:port of the HTTP listener (WebSocket, HTTP recall), when started with --http-port. */
  httpAddress?: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code (or the signal's 128+n). */
  stop(graceMs?: number): Promise<number>;
  /** The last lines the server wrote to stderr, for error messages. */
  stderrTail(): string;
}

export interface EmbeddedOptions {
  /** Extra `serve` flags, e.g. ['--dim', '128']. */
  args?: string[];
  readyTimeoutMs?: number;
  /** Where the child's stderr goes besides the kept tail (e.g. process.stderr when verbose). */
  echoStderr?: NodeJS.WritableStream;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function startEmbeddedServer(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const args = [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...(options.args ?? [])];
  // Its own process group: a terminal's Ctrl-C reaches only the tool, which then stops the
  // server in order (drain) instead of both shutting down at once.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
    options.echoStderr?.write(chunk);
  });
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)));
  });
  // The server must not outlive the tool that started it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.removeListener('exit', killOnExit));

  const server = (address: string, httpAddress: string | undefined): EmbeddedServer => ({
    address,
    ...(httpAddress ? { httpAddress } : {}),
    process: child,
    stderrTail: () => stderr,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  });

  return new Promise((resolve, reject) => {
    let stdout = '';
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    // `serve` prints the HTTP line right after the gRPC one when it has an HTTP listener.
    const wantsHttp = args.includes('--http-port');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new UserError(`the embedded server did not start listening within ${timeoutMs} ms${tail(stderr)}`),
      );
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const m = READY.exec(stdout);
      const http = HTTP_READY.exec(stdout);
      if (m && (http || !wantsHttp)) {
        clearTimeout(timer);
        // Keep draining stdout so the child never blocks on a full pipe.
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve(server(m[1] as string, http?.[1]));
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(
        new UserError(
          `the embedded server exited with code ${code} before listening${tail(stderr)}; ` +
            'run `engram-stream serve` with the same flags to see why',
        ),
      );
    });
  });
}

function tail(stderr: string): string {
  const last = stderr.trim().split('\n').slice(-3).join(' | ');
  return last ? ` (it said: ${last})` : '';
}
