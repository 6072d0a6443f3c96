// runConformance: the library entry of `engram-stream conform`. Starts the embedded
// reference server when no target is given, learns the target's capabilities, runs
// the selected cases one after another, and returns the results record.

import * as grpc from '@grpc/grpc-js';
import type { Finding } from '../check/findings.js';
import type { Connection } from '../endpoint/connection-options.js';
import { type EmbeddedServer, startEmbeddedServer } from '../endpoint/embedded-server.js';
import { connectTarget, type Transport } from '../endpoint/stream-target.js';
import { WS_STREAM_PATH } from '../protocol/ws/subprotocols.js';
import type { CaseResult, ConformResults } from '../results/results.js';
import { RESULTS_SCHEMA_VERSION } from '../results/results.js';
import { describeEnvironment } from '../util/environment.js';
import { TOOL_VERSION } from '../util/version.js';
import { ANSWER_TIMEOUT_MS, type CaseEnvironment } from './case-context.js';
import { selectCases } from './case-selection.js';
import type { ConformCase } from './case-types.js';
import { CATALOG } from './catalog.js';
import { applyExpectations, type Expectation } from './expectations.js';
import { runCase } from './run-case.js';
import { countOutcomes, judgeRun } from './run-verdict.js';
import { capabilitiesRecord, discoverCapabilities } from './target-capabilities.js';

/** The embedded server's dimension unless --dim says otherwise: small, so a run stays well under a minute. */
export const EMBEDDED_DIM = 384;
/** The element limit given to the embedded server, so flow.space-full can reach it. */
export const EMBEDDED_MAX_ELEMENTS = 2000;

export interface ConformOptions {
  /** host:port, or ws://HOST:PORT/v1/stream (wss://...); absent: start the embedded reference server. */
  target?: string;
  /** Embedded server only: the transport to test it over (default gRPC). */
  transport?: Transport;
  /** WebSocket targets: json or proto; absent: offer both, prefer proto. */
  wsDialect?: string;
  /** WebSocket targets: recall over gRPC at this host:port instead of HTTP recall. */
  recallTarget?: string;
  /** Credentials and metadata (--tls, --header, --token-file ...); plaintext when absent. */
  connection?: Connection;
  /** Whether the connection uses TLS (for the report). */
  tls?: boolean;
  /** Wildcard patterns of case ids to run (all when empty) and to leave out. */
  cases?: readonly string[];
  exclude?: readonly string[];
  /** NON-STRICT counts as failure. */
  strict?: boolean;
  /** Multiplies every wait and budget (default 1). */
  timeoutScale?: number;
  /** Embedded server only: its --dim. */
  dim?: number;
  /** The element limit of the target, when the caller knows it (enables flow.space-full). */
  maxElements?: number;
  /** The catalog to choose from (tests pass their own). */
  catalog?: readonly ConformCase[];
  onCaseStart?: (c: ConformCase, index: number, total: number) => void;
  onCaseDone?: (r: CaseResult, index: number, total: number) => void;
  /** Known deviations (--expect): the run is judged against them. */
  expectations?: { list: readonly Expectation[]; file: string };
}

/**
 * Flags the embedded server gets: short idle timeout and heartbeat, small queue, a reachable
 * element limit, and an index slow enough for one tester process to fill that queue: at 384-d
 * and the default efConstruction an index worker that always has a batch queued inserts about
 * as fast as the four flood streams of this process offer on two cores, and a flood that cannot
 * reach OVERLOADED leaves the flow cases undecided. efConstruction 400 makes inserts about four
 * times dearer and changes nothing else a case looks at.
 */
export function embeddedServerArgs(dim: number): string[] {
  return [
    '--dim',
    String(dim),
    '--ef-construction',
    '400',
    '--queue-capacity',
    '256',
    '--session-idle-timeout',
    '2s',
    '--heartbeat-interval',
    '1s',
    '--max-elements',
    String(EMBEDDED_MAX_ELEMENTS),
  ];
}

export async function runConformance(o: ConformOptions = {}): Promise<ConformResults> {
  const chosen = selectCases(o.catalog ?? CATALOG, o.cases ?? [], o.exclude ?? []);
  const timeoutScale = o.timeoutScale ?? 1;
  const startedAt = new Date().toISOString();
  const started = performance.now();
  let server: EmbeddedServer | undefined;
  const overWs = o.transport === 'ws';
  if (o.target === undefined) {
    const args = embeddedServerArgs(o.dim ?? EMBEDDED_DIM);
    server = await startEmbeddedServer({ args: overWs ? [...args, '--http-port', '0'] : args });
  }
  const address =
    o.target ??
    (overWs ? `ws://${server?.httpAddress}${WS_STREAM_PATH}` : (server as EmbeddedServer).address);
  const metadata = o.connection?.metadata ?? new grpc.Metadata();
  const targetOptions = {
    target: address,
    ...(o.connection ? { connection: o.connection } : {}),
    ...(o.wsDialect === undefined ? {} : { wsDialect: o.wsDialect }),
    ...(o.recallTarget === undefined ? {} : { recallTarget: o.recallTarget }),
  };
  const streams = connectTarget(targetOptions);
  try {
    const capabilities = await discoverCapabilities(
      streams,
      address,
      metadata,
      ANSWER_TIMEOUT_MS * timeoutScale,
    );
    const maxElements = o.maxElements ?? (server ? EMBEDDED_MAX_ELEMENTS : undefined);
    const env: CaseEnvironment = {
      streams,
      address,
      dial: (dialVia, channelOptions) => connectTarget({ ...targetOptions, dialVia, channelOptions }),
      metadata,
      capabilities,
      timeoutScale,
      known: maxElements === undefined ? {} : { maxElements },
    };
    const cases: CaseResult[] = [];
    for (const [i, c] of chosen.entries()) {
      o.onCaseStart?.(c, i, chosen.length);
      const r = await runCase(c, env);
      cases.push(r);
      o.onCaseDone?.(r, i, chosen.length);
    }
    const strict = o.strict ?? false;
    const counts = countOutcomes(cases);
    const { verdict, reasons } = judgeRun(cases, strict);
    const results: ConformResults = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      kind: 'conform',
      tool: { name: 'engram-stream', version: TOOL_VERSION },
      startedAt,
      durationMs: performance.now() - started,
      target: {
        address,
        embedded: server !== undefined,
        tls: o.tls ?? false,
        ...streams.info,
        capabilities: capabilitiesRecord(capabilities),
      },
      environment: describeEnvironment(),
      verdict,
      verdictReasons: reasons,
      findings: runFindings(cases),
      strict,
      counts,
      cases,
    };
    return o.expectations ? applyExpectations(results, o.expectations.list, o.expectations.file) : results;
  } finally {
    streams.close();
    await server?.stop();
  }
}

/** The failing cases' findings, each message naming its case. */
function runFindings(cases: CaseResult[]): Finding[] {
  return cases
    .filter((c) => c.outcome === 'FAIL')
    .flatMap((c) =>
      c.findings
        .filter((f) => f.severity === 'fail')
        .map((f) => ({ ...f, message: `[${c.id}] ${f.message}` })),
    );
}
