// Live sessions by (memory space, session id): creation, attach with fencing,
// detach with the idle timeout, removal on close or expiry.
import { type AttachedStream, Session, sessionKey } from './session.js';

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly idleTimers = new Map<Session, NodeJS.Timeout>();
  /** Sessions with a stream bound, for status pushes and heartbeats. */
  readonly attached = new Set<Session>();

  constructor(private readonly idleTimeoutMs: number) {}

  get size(): number {
    return this.sessions.size;
  }

  get(memorySpaceId: string, sessionId: string): Session | undefined {
    return this.sessions.get(sessionKey(memorySpaceId, sessionId));
  }

  create(memorySpaceId: string, sessionId: string): Session {
    const session = new Session(memorySpaceId, sessionId);
    this.sessions.set(session.key, session);
    return session;
  }

  /** Binds the stream; an older stream of the session is fenced (RES-5). */
  attach(session: Session, stream: AttachedStream): void {
    this.clearIdleTimer(session);
    const older = session.stream;
    session.stream = stream;
    this.attached.add(session);
    if (older && older !== stream) older.fence();
  }

  /** The stream ended without close: the session stays resumable for the idle timeout (SES-9, SES-11). */
  detach(session: Session, stream: AttachedStream): void {
    if (session.stream !== stream) return;
    session.stream = undefined;
    this.attached.delete(session);
    if (this.sessions.get(session.key) !== session) return;
    const timer = setTimeout(() => this.remove(session), this.idleTimeoutMs);
    timer.unref();
    this.idleTimers.set(session, timer);
  }

  /** The session is gone (closed or expired); its id may be used again (CLS-6). */
  remove(session: Session): void {
    this.clearIdleTimer(session);
    if (this.sessions.get(session.key) === session) this.sessions.delete(session.key);
  }

  stop(): void {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
  }

  private clearIdleTimer(session: Session): void {
    const timer = this.idleTimers.get(session);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(session);
  }
}
