import { MemoryStore } from '../../../src/infrastructure/cache';

describe('MemoryStore', () => {
  let now = 1_000_000;
  let store: MemoryStore;
  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryStore(() => now);
  });
  afterEach(() => store.close());

  it('expires keys after their TTL and reports the remaining time', async () => {
    await store.set('k', 'v', 1000);
    await store.set('forever', 'v');
    expect(await store.ttlMs('k')).toBe(1000);
    expect(await store.ttlMs('forever')).toBeNull();
    now += 999;
    expect(await store.get('k')).toBe('v');
    now += 1;
    expect(await store.get('k')).toBeNull();
    expect(await store.get('forever')).toBe('v');
  });

  it('take returns the value once', async () => {
    await store.set('t', 'once');
    expect(await store.take('t')).toBe('once');
    expect(await store.take('t')).toBeNull();
  });

  it('incr starts the TTL window on the first increment and keeps it on later ones', async () => {
    expect(await store.incr('c', 1000)).toEqual({ value: 1, ttlMs: 1000 });
    now += 400;
    expect(await store.incr('c', 1000)).toEqual({ value: 2, ttlMs: 600 });
    now += 600;
    expect(await store.incr('c', 1000)).toEqual({ value: 1, ttlMs: 1000 });
  });

  it('sets and sorted sets report real changes', async () => {
    expect(await store.setAdd('s', 'a')).toBe(true);
    expect(await store.setAdd('s', 'a')).toBe(false);
    expect(await store.setMembers('s')).toEqual(['a']);
    expect(await store.setRemove('s', 'a')).toBe(true);
    expect(await store.setRemove('s', 'a')).toBe(false);

    await store.sortedAdd('z', 'old', 10);
    await store.sortedAdd('z', 'new', 30);
    expect((await store.sortedAbove('z', 10)).sort()).toEqual(['new']);
    expect(await store.sortedPruneUpTo('z', 10)).toBe(1);
    expect(await store.sortedAbove('z', 0)).toEqual(['new']);
    expect(await store.sortedRemove('z', 'new')).toBe(true);
    expect(await store.sortedRemove('z', 'new')).toBe(false);
  });
});
