// GET /api/v1/memories/recall: recall over plain HTTP, as the public Engram server
// serves it, so visibility can be checked against a WebSocket target without gRPC.
// Query: embedding (a JSON array), max_results, threshold; the memory space from the
// X-Memory-Space header or ?space=.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RecallQuery, recallQueryProblem, runRecall } from '../recall-query.js';
import type { TokenAuthorizer } from '../security/token-authorizer.js';
import { grantAllows } from '../security/token-authorizer.js';
import type { ServerCore } from '../server-core.js';
import { type HttpHandler, sendJson, sendText } from './http-listener.js';
import { memorySpaceOfRequest } from './request-space.js';

export const RECALL_PATH = '/api/v1/memories/recall';

const FIELD_NAMES = { space: 'X-Memory-Space (or ?space=)', vector: 'embedding', maxResults: 'max_results' };

class QueryError extends Error {}

/**
 * A page from any origin may recall (the browser client in examples/ is a file): the
 * token travels in the Authorization header, never in a cookie, so allowing every
 * origin hands a page nothing it did not already hold.
 */
const CORS = { 'access-control-allow-origin': '*' };

/** The CORS preflight of a recall that carries Authorization or X-Memory-Space. */
export const recallPreflight: HttpHandler = (_req, res) => {
  res
    .writeHead(204, {
      ...CORS,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'authorization, x-memory-space',
      'access-control-max-age': '600',
    })
    .end();
};

function numberParam(url: URL, name: string): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return 0;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new QueryError(`${name} '${text}' is not a number`);
  return value;
}

function embeddingParam(url: URL): number[] {
  const text = url.searchParams.get('embedding');
  if (text === null) throw new QueryError('recall needs ?embedding=[...] (a JSON array of numbers)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new QueryError('embedding is not a JSON array of numbers');
  }
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'number')) {
    throw new QueryError('embedding is not a JSON array of numbers');
  }
  return value as number[];
}

function readQuery(req: IncomingMessage, url: URL): RecallQuery {
  const maxResults = numberParam(url, 'max_results');
  if (!Number.isInteger(maxResults)) throw new QueryError(`max_results ${maxResults} is not a whole number`);
  return {
    memorySpaceId: memorySpaceOfRequest(req, url),
    vector: embeddingParam(url),
    maxResults,
    threshold: numberParam(url, 'threshold'),
  };
}

export function recallRoute(core: ServerCore, authorizer: TokenAuthorizer | undefined): HttpHandler {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    let query: RecallQuery;
    try {
      query = readQuery(req, url);
    } catch (err) {
      if (err instanceof QueryError) return sendText(res, 400, `${err.message}\n`, CORS);
      throw err;
    }
    if (authorizer) {
      const auth = authorizer.authenticateHeader(
        req.headers.authorization ? [req.headers.authorization] : [],
      );
      if (!auth.ok) {
        return sendText(res, 401, 'recall needs "Authorization: Bearer <token>" with a known token\n', {
          ...CORS,
          'www-authenticate': 'Bearer',
        });
      }
      if (!grantAllows(auth.grant, query.memorySpaceId)) {
        return sendText(res, 403, `this token may not use memory space "${query.memorySpaceId}"\n`, CORS);
      }
    }
    const problem = recallQueryProblem(query, core.config.dim, FIELD_NAMES);
    if (problem) return sendText(res, 400, `${problem}\n`, CORS);
    const answer = await runRecall(core, query);
    const memories = answer.memories.map((m) => ({
      id: m.id,
      content: m.content,
      ...(m.confidence ? { confidence: m.confidence.value } : {}),
      created_at: new Date(m.createdAtMs).toISOString(),
      activation: m.activation,
    }));
    sendJson(
      res,
      200,
      JSON.stringify({
        memories,
        metadata: {
          total_activated: answer.totalActivated,
          above_threshold: memories.length,
          recall_time_ms: answer.recallTimeMs,
        },
      }),
      CORS,
    );
  };
}
