// Resume and fencing over a bad network (RES): cases only a fault proxy between the
// tester and the target can decide. A connection reset in the middle of an observation's
// frame, and an old connection left half-open (a black hole) while its session resumes on
// a new one.
import { randomUUID } from 'node:crypto';
import { status as Grpc } from '@grpc/grpc-js';
import type { CaseContext } from '../case-context.js';
import type { CaseNetwork } from '../case-network.js';
import { type CaseStream, describeInit } from '../case-stream.js';
import { type ConformCase, strictly } from '../case-types.js';
import { describeEvent } from '../describe-event.js';
import { behaved, inconclusive } from '../verdict.js';
import {
  acceptRun,
  drainClose,
  expectAllVisibleNow,
  expectNoneVisible,
  resumeExpecting,
  sendValidRun,
} from './case-steps.js';

/** A new session with a client-chosen id on a stream dialled through a fault proxy. */
async function proxiedSession(
  ctx: CaseContext,
): Promise<{ net: CaseNetwork; id: string; stream: CaseStream }> {
  const net = await ctx.network();
  const id = randomUUID();
  const stream = ctx.open('a', net.client);
  stream.init({ memorySpaceId: ctx.space, sessionId: id });
  const init = await stream.awaitInit();
  if (init.kind !== 'ack') return ctx.fail('init_ack through the proxy', describeInit(init));
  return { net, id, stream };
}

export const NETWORK_CASES: ConformCase[] = [
  {
    id: 'resume.after-mid-frame-reset',
    category: 'resume',
    clauses: ['RES-1', 'RES-4', 'RES-6'],
    requirement:
      'A connection reset in the middle of an observation frame loses nothing accepted and never accepts the half-received observation',
    acceptable: strictly(
      'the resume answers initial_sequence=10; the cut observation is never visible; 11-15 resent and ACCEPTED; all visible once',
    ),
    catches: ['lose-on-resume'],
    needs: ['resume'],
    async procedure(ctx) {
      const { net, id, stream: old } = await proxiedSession(ctx);
      const sent = await acceptRun(ctx, old, 1n, 10n);
      net.fault('a', { kind: 'reset', midFrame: true, direction: 'up' });
      const cut = sendValidRun(ctx, old, 11n, 11n);
      const end = await old.awaitEnd(ctx.scaled(5000));
      if (!end) return ctx.fail('the reset connection ends the stream', 'the stream is still open');
      if (!net.cutBytes) {
        return inconclusive(
          'the proxy found no frame of observation 11 to cut before resetting, so no half frame reached the server',
        );
      }
      const accepted11 = old
        .events()
        .find((e) => e.type === 'ack' && e.status === 'ACCEPTED' && e.seq === 11n);
      if (accepted11)
        return ctx.fail(
          'no ACCEPTED for an observation cut in the middle of its frame',
          describeEvent(accepted11),
        );
      const resumed = await resumeExpecting(ctx, 'a', id, 10n, 10n);
      sent.push(...(await acceptRun(ctx, resumed.stream, 11n, 15n)));
      await drainClose(ctx, resumed.stream, 15n);
      await expectAllVisibleNow(ctx, 'a', sent, 'after a mid-frame reset, a resume and a drained close');
      await expectNoneVisible(ctx, 'a', cut, 'the observation whose frame was cut by the reset');
      return behaved('as-specified');
    },
  },
  {
    id: 'resume.fences-half-open',
    category: 'resume',
    clauses: ['RES-5', 'RES-6'],
    requirement:
      'A resume fences the old stream even while its connection is half-open: what that connection delivers late is never accepted, and nothing acked on either stream is lost or doubled',
    acceptable: strictly(
      'initial_sequence=5 on resume; 6-10 ACCEPTED on the new stream; the old stream ends (ABORTED, or reset) without accepting its late 6-8; 1-10 visible once, the old 6-8 never',
    ),
    catches: ['lose-on-resume'],
    needs: ['resume'],
    async procedure(ctx) {
      const { net, id, stream: old } = await proxiedSession(ctx);
      const sent = await acceptRun(ctx, old, 1n, 5n);
      const hole = net.fault('a', { kind: 'blackhole', direction: 'both' });
      ctx.note('the old connection goes silent both ways: nothing is closed, nothing gets through');
      const late = sendValidRun(ctx, old, 6n, 8n);
      const resumed = await resumeExpecting(ctx, 'a', id, 5n, 5n);
      sent.push(...(await acceptRun(ctx, resumed.stream, 6n, 10n)));
      ctx.note(
        'the black hole lifts: the old connection delivers its late 6-8 and whatever the server sent it',
      );
      hole.end();
      const end = await old.awaitEnd(ctx.scaled(5000));
      if (!end)
        return ctx.fail('the fenced old stream ends once its connection works again', 'it is still open');
      if (end.code !== Grpc.ABORTED && end.code !== Grpc.UNAVAILABLE) {
        return ctx.fail('the old stream ends ABORTED (fenced) or with its connection', describeEvent(end));
      }
      const lateAccept = old.events().find((e) => e.type === 'ack' && e.status === 'ACCEPTED' && e.seq > 5n);
      if (lateAccept)
        return ctx.fail(
          'nothing the half-open old stream sent after the resume is accepted',
          describeEvent(lateAccept),
        );
      await drainClose(ctx, resumed.stream, 10n);
      await expectAllVisibleNow(ctx, 'a', sent, 'on either stream, after a drained close');
      await expectNoneVisible(ctx, 'a', late, 'sent on the fenced, half-open stream');
      return behaved('as-specified');
    },
  },
];
