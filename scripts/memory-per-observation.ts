// `npm run bench:memory`: main-thread bytes the server keeps per stored observation
// for recall (episode id, content, confidence, created_at), after full collections.
// Run with --expose-gc (the npm script does). The HNSW index itself lives in the
// index workers and is not counted here.
import { MemorySpace } from '../src/server/memory-spaces.js';

const N = 200_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:memory)');

function measure(content: string): string {
  gc?.();
  gc?.();
  const before = process.memoryUsage();
  const space = new MemorySpace('m');
  for (let i = 0; i < N; i++) {
    const id = `ep-${i}-${((i * 2654435761) >>> 0).toString(16)}`;
    space.assign(
      id,
      content ? `${content} ${i}` : '',
      { value: 0.9, category: 3, reasoning: '' },
      Date.now(),
    );
  }
  gc?.();
  gc?.();
  const after = process.memoryUsage();
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  if (space.admitted !== N) throw new Error('not every observation was stored');
  return `${(bytes / N).toFixed(0)} bytes/observation`;
}

console.log(`no content:                  ${measure('')}`);
console.log(`48-character content:        ${measure('the user asked about the weather in Lisbon')}`);
