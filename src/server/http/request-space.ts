import type { IncomingMessage } from 'node:http';

/** The memory space an HTTP request names: the X-Memory-Space header, else ?space=. */
export function memorySpaceOfRequest(req: IncomingMessage, url: URL): string {
  const header = req.headers['x-memory-space'];
  if (typeof header === 'string' && header !== '') return header;
  return url.searchParams.get('space') ?? '';
}
