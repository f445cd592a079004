import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { CacheStore } from '@infrastructure/cache';

export interface Session {
  readonly id: string;
  readonly userId: string;
  /** sha256 of the one refresh token that is valid for this session now. */
  readonly refreshHash: string;
  readonly expiresAt: number;
  readonly activeProfileId?: string;
}

interface RefreshRecord {
  readonly sessionId: string;
  readonly userId: string;
  readonly expiresAt: number;
}

export type RotateResult =
  | { readonly outcome: 'rotated'; readonly session: Session; readonly refreshToken: string }
  | { readonly outcome: 'expired' }
  | { readonly outcome: 'revoked' };

/** Refresh records outlive their expiry by this much so that a late use is told "expired", not "unknown". */
const EXPIRED_GRACE_MS = 24 * 3600 * 1000;
const ACTIVE_INDEX = 'sessions:active';

/**
 * Sessions and their rotating opaque refresh tokens in the shared CacheStore. A refresh token is
 * stored only as its sha256; each use replaces it (rotation) and a reused old token ends the whole
 * session, as token-theft detection. An expiry index (sorted set) counts the open sessions.
 */
export class SessionStore {
  constructor(
    private readonly store: CacheStore,
    private readonly refreshTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async open(userId: string): Promise<{ session: Session; refreshToken: string }> {
    const refreshToken = newRefreshToken();
    const session: Session = {
      id: randomUUID(),
      userId,
      refreshHash: hashToken(refreshToken),
      expiresAt: this.now() + this.refreshTtlMs,
    };
    await this.save(session);
    await this.saveRefresh(session, session.refreshHash);
    return { session, refreshToken };
  }

  async get(sessionId: string): Promise<Session | undefined> {
    const raw = await this.store.get(sessionKey(sessionId));
    return raw ? (JSON.parse(raw) as Session) : undefined;
  }

  async update(session: Session): Promise<void> {
    await this.save(session);
  }

  async rotate(refreshToken: string): Promise<RotateResult> {
    const hash = hashToken(refreshToken);
    const raw = await this.store.take(refreshKey(hash));
    if (raw === null) {
      await this.endIfReused(hash);
      return { outcome: 'revoked' };
    }
    const record = JSON.parse(raw) as RefreshRecord;
    if (record.expiresAt <= this.now()) {
      await this.end(record.sessionId);
      return { outcome: 'expired' };
    }
    const current = await this.get(record.sessionId);
    if (!current || current.refreshHash !== hash) return { outcome: 'revoked' };
    const next = newRefreshToken();
    const session: Session = {
      ...current,
      refreshHash: hashToken(next),
      expiresAt: this.now() + this.refreshTtlMs,
    };
    await this.save(session);
    await this.saveRefresh(session, session.refreshHash);
    // Remember the spent token for a while: presenting it again ends the session.
    await this.store.set(spentKey(hash), session.id, this.refreshTtlMs);
    return { outcome: 'rotated', session, refreshToken: next };
  }

  /** Ends the session and revokes its refresh token; false when it was not open. */
  async end(sessionId: string): Promise<boolean> {
    const raw = await this.store.take(sessionKey(sessionId));
    if (raw === null) return false;
    const session = JSON.parse(raw) as Session;
    await this.store.del(refreshKey(session.refreshHash));
    await this.store.sortedRemove(ACTIVE_INDEX, indexMember(session));
    return true;
  }

  /** Open sessions now, and the distinct users that hold them. */
  async active(): Promise<{ sessions: number; userIds: string[] }> {
    const now = this.now();
    await this.store.sortedPruneUpTo(ACTIVE_INDEX, now);
    const members = await this.store.sortedAbove(ACTIVE_INDEX, now);
    const userIds = new Set(members.map((m) => m.slice(0, m.indexOf(' '))));
    return { sessions: members.length, userIds: [...userIds] };
  }

  private async save(session: Session): Promise<void> {
    const ttl = session.expiresAt - this.now();
    await this.store.set(sessionKey(session.id), JSON.stringify(session), ttl);
    await this.store.sortedAdd(ACTIVE_INDEX, indexMember(session), session.expiresAt);
  }

  private async saveRefresh(session: Session, hash: string): Promise<void> {
    const record: RefreshRecord = {
      sessionId: session.id,
      userId: session.userId,
      expiresAt: session.expiresAt,
    };
    await this.store.set(
      refreshKey(hash),
      JSON.stringify(record),
      session.expiresAt - this.now() + EXPIRED_GRACE_MS,
    );
  }

  private async endIfReused(hash: string): Promise<void> {
    const sessionId = await this.store.take(spentKey(hash));
    if (sessionId) await this.end(sessionId);
  }
}

const sessionKey = (id: string) => `session:${id}`;
const refreshKey = (hash: string) => `refresh:${hash}`;
const spentKey = (hash: string) => `refresh-spent:${hash}`;
const indexMember = (s: Pick<Session, 'userId' | 'id'>) => `${s.userId} ${s.id}`;

function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
