import { StreamRegistry } from '../../../src/content/stream-registry';

describe('StreamRegistry', () => {
  it('a stream is stopped once, and only by its owner', () => {
    const registry = new StreamRegistry();
    const stream = registry.start('u1', 'movie-sintel', 'movie')!;
    expect(registry.stop(stream.id, 'u2')).toBeUndefined();
    expect(registry.size).toBe(1);
    expect(registry.stop(stream.id, 'u1')).toMatchObject({ id: stream.id, contentType: 'movie' });
    expect(registry.stop(stream.id, 'u1')).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it('caps the open streams per user, freeing a slot when one stops', () => {
    const registry = new StreamRegistry(2);
    const a = registry.start('u1', 'c', 'live')!;
    registry.start('u1', 'c', 'live');
    expect(registry.start('u1', 'c', 'live')).toBeUndefined();
    expect(registry.start('u2', 'c', 'live')).toBeDefined();
    registry.stop(a.id, 'u1');
    expect(registry.start('u1', 'c', 'live')).toBeDefined();
  });
});
