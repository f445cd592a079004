import { expect } from '@jest/globals';
import { SessionStore } from '../../../src/auth/sessions';
import { MemoryStore } from '../../../src/infrastructure/cache';

describe('SessionStore (refresh-token rotation)', () => {
  let now = 1_000;
  let store: MemoryStore;
  let sessions: SessionStore;
  beforeEach(() => {
    now = 1_000;
    store = new MemoryStore(() => now);
    sessions = new SessionStore(store, 10_000, () => now);
  });
  afterEach(() => store.close());

  it('rotates: the new token works once, the old one is refused', async () => {
    const { session, refreshToken } = await sessions.open('u1');
    const first = await sessions.rotate(refreshToken);
    expect(first.outcome).toBe('rotated');
    if (first.outcome !== 'rotated') return;
    expect(first.refreshToken).not.toBe(refreshToken);
    expect(first.session.id).toBe(session.id);
    const second = await sessions.rotate(first.refreshToken);
    expect(second.outcome).toBe('rotated');
  });

  it('reusing a spent token ends the session, so the token issued in its place stops working too', async () => {
    const { session, refreshToken } = await sessions.open('u1');
    const rotated = await sessions.rotate(refreshToken);
    if (rotated.outcome !== 'rotated') throw new Error('expected a rotation');
    expect(await sessions.rotate(refreshToken)).toEqual({ outcome: 'revoked' });
    expect(await sessions.get(session.id)).toBeUndefined();
    expect(await sessions.rotate(rotated.refreshToken)).toEqual({ outcome: 'revoked' });
  });

  it('an expired refresh token is reported as expired (not unknown), once', async () => {
    const { refreshToken } = await sessions.open('u1');
    now += 10_000;
    expect(await sessions.rotate(refreshToken)).toEqual({ outcome: 'expired' });
    expect(await sessions.rotate(refreshToken)).toEqual({ outcome: 'revoked' });
  });

  it('ending a session revokes its refresh token and removes it from the active count', async () => {
    const a = await sessions.open('u1');
    await sessions.open('u1');
    await sessions.open('u2');
    expect(await sessions.active()).toEqual({ sessions: 3, userIds: expect.arrayContaining(['u1', 'u2']) });
    expect(await sessions.end(a.session.id)).toBe(true);
    expect(await sessions.end(a.session.id)).toBe(false);
    expect(await sessions.rotate(a.refreshToken)).toEqual({ outcome: 'revoked' });
    expect((await sessions.active()).sessions).toBe(2);
    now += 10_000;
    expect(await sessions.active()).toEqual({ sessions: 0, userIds: [] });
  });

  it('rejects a token that was never issued', async () => {
    expect(await sessions.rotate('forged')).toEqual({ outcome: 'revoked' });
  });
});
