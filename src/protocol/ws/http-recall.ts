// Recall over HTTP (GET /api/v1/memories/recall, the public Engram server's form),
// answered in the same terms as a RecallStream call so callers need not care which.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { status } from '@grpc/grpc-js';
import type { RecalledMemory } from '../messages.js';
import type { RecallAnswer, RecallCall } from '../stream-client.js';

export const HTTP_RECALL_PATH = '/api/v1/memories/recall';

export interface HttpRecallTarget {
  /** http(s)://host:port */
  origin: string;
  /** Upgrade-time headers reused here (authorization, --header). */
  headers: Record<string, string>;
  ca?: Buffer;
}

const HTTP_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.UNIMPLEMENTED,
  405: status.UNIMPLEMENTED,
  503: status.UNAVAILABLE,
};

interface MemoryJson {
  id?: unknown;
  activation?: unknown;
  content?: unknown;
}

export function httpRecall(target: HttpRecallTarget, c: RecallCall): Promise<RecallAnswer> {
  const url = new URL(HTTP_RECALL_PATH, target.origin);
  url.searchParams.set('embedding', JSON.stringify(Array.from(c.embedding)));
  url.searchParams.set('max_results', String(c.maxResults));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        headers: { ...target.headers, 'x-memory-space': c.memorySpaceId },
        ...(target.ca ? { ca: target.ca } : {}),
        ...(c.timeoutMs === undefined ? {} : { timeout: c.timeoutMs }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve(answerOf(res.statusCode ?? 0, body)));
        res.on('error', (err) => resolve({ results: [], code: status.UNAVAILABLE, details: err.message }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({
        results: [],
        code: status.DEADLINE_EXCEEDED,
        details: `no recall answer within ${c.timeoutMs} ms`,
      });
    });
    req.on('error', (err) => resolve({ results: [], code: status.UNAVAILABLE, details: err.message }));
    req.end();
  });
}

function answerOf(httpStatus: number, body: string): RecallAnswer {
  if (httpStatus !== 200) {
    return {
      results: [],
      code: HTTP_STATUS[httpStatus] ?? status.UNKNOWN,
      details: `HTTP ${httpStatus}: ${body.trim()}`,
    };
  }
  try {
    const parsed = JSON.parse(body) as { memories?: MemoryJson[] };
    const results: RecalledMemory[] = (parsed.memories ?? []).map((m) => ({
      id: String(m.id ?? ''),
      activation: Number(m.activation ?? 0),
      ...(typeof m.content === 'string' ? { content: m.content } : {}),
    }));
    return { results, code: status.OK, details: '' };
  } catch (err) {
    return {
      results: [],
      code: status.INTERNAL,
      details: `recall answer is not JSON: ${(err as Error).message}`,
    };
  }
}
