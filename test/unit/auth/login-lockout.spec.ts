import { LoginLockout } from '../../../src/auth/login-lockout';
import { MemoryStore } from '../../../src/infrastructure/cache';

describe('LoginLockout', () => {
  let now = 0;
  let store: MemoryStore;
  let lockout: LoginLockout;
  beforeEach(() => {
    now = 0;
    store = new MemoryStore(() => now);
    lockout = new LoginLockout(store, { maxFailures: 3, lockMs: 60_000 });
  });
  afterEach(() => store.close());

  it('locks on exactly the maxFailures-th consecutive failure, for lockMs, case-insensitively', async () => {
    expect(await lockout.recordFailure('Ann@Example.com')).toBe(false);
    expect(await lockout.recordFailure('ann@example.com')).toBe(false);
    expect(await lockout.isLocked('ann@example.com')).toBe(false);
    expect(await lockout.recordFailure(' ANN@example.com ')).toBe(true);
    expect(await lockout.isLocked('ann@example.com')).toBe(true);
    now += 59_999;
    expect(await lockout.isLocked('ann@example.com')).toBe(true);
    now += 1;
    expect(await lockout.isLocked('ann@example.com')).toBe(false);
  });

  it('a success resets the count of consecutive failures', async () => {
    await lockout.recordFailure('bob@example.com');
    await lockout.recordFailure('bob@example.com');
    await lockout.recordSuccess('bob@example.com');
    expect(await lockout.recordFailure('bob@example.com')).toBe(false);
    expect(await lockout.recordFailure('bob@example.com')).toBe(false);
    expect(await lockout.isLocked('bob@example.com')).toBe(false);
  });

  it('failures older than the window do not add up', async () => {
    await lockout.recordFailure('cy@example.com');
    await lockout.recordFailure('cy@example.com');
    now += 60_000;
    expect(await lockout.recordFailure('cy@example.com')).toBe(false);
  });
});
