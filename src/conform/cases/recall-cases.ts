// Recall (REC): an empty space answers cleanly; results are the top matches by
// cosine similarity, best first, at most max_results, the exact match first.
import { status as Grpc } from '@grpc/grpc-js';
import { type ConformCase, strictly } from '../case-types.js';
import { statusCodeName } from '../describe-event.js';
import { behaved } from '../verdict.js';
import { acceptRun, drainClose } from './case-steps.js';

export const RECALL_CASES: ConformCase[] = [
  {
    id: 'recall.empty-space',
    category: 'recall',
    clauses: ['REC-4'],
    requirement: 'A recall in a space with nothing indexed ends OK with no results, or with NOT_FOUND',
    acceptable: [
      { key: 'empty', description: 'OK and no results', strictness: 'strict' },
      { key: 'not-found', description: 'NOT_FOUND', strictness: 'strict' },
    ],
    catches: [],
    async procedure(ctx) {
      const answer = await ctx.recall(ctx.space, ctx.episodes.embedding(), 5);
      if (answer.code === Grpc.NOT_FOUND) return behaved('not-found');
      if (answer.code === Grpc.OK && answer.results.length === 0) return behaved('empty');
      return ctx.fail(
        'OK with no results, or NOT_FOUND',
        `${statusCodeName(answer.code)} with ${answer.results.length} results${answer.details ? `: ${answer.details}` : ''}`,
      );
    },
  },
  {
    id: 'recall.top-results-ordered',
    category: 'recall',
    clauses: ['REC-1', 'REC-2', 'REC-3'],
    requirement:
      'Recall returns at most max_results, best first by cosine similarity, the exact match first with activation ~1',
    acceptable: strictly(
      '<= 5 distinct results, activations non-increasing, the exact match first with activation >= 0.99',
    ),
    catches: [],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const sent = await acceptRun(ctx, stream, 1n, 30n);
      await drainClose(ctx, stream, 30n);
      for (const s of [sent[0], sent[14], sent[29]]) {
        if (!s) continue;
        const answer = await ctx.recall(ctx.space, s.episode.embedding, 5);
        const shown = answer.results.map((m) => `${m.id}@${m.activation.toFixed(3)}`).join(', ');
        if (answer.code !== Grpc.OK)
          return ctx.fail('recall ends OK', `${statusCodeName(answer.code)}: ${answer.details}`);
        if (answer.results.length === 0 || answer.results.length > 5)
          return ctx.fail('between 1 and 5 results for max_results=5', `${answer.results.length} results`);
        const top = answer.results[0];
        if (top?.id !== s.episode.id || top.activation < 0.99)
          return ctx.fail(`episode ${s.episode.id} first with activation ~1 (REC-3)`, shown);
        if (new Set(answer.results.map((m) => m.id)).size !== answer.results.length)
          return ctx.fail('distinct results', shown);
        for (let i = 1; i < answer.results.length; i++) {
          if ((answer.results[i]?.activation ?? 0) > (answer.results[i - 1]?.activation ?? 0) + 1e-6)
            return ctx.fail('results ordered by activation, highest first (REC-1)', shown);
        }
      }
      return behaved('as-specified');
    },
  },
];
