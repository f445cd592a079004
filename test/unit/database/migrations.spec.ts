import { CONTENT_TYPES } from '../../../src/content/content-vocabulary';
import { MIGRATIONS } from '../../../src/infrastructure/database/migrations';

describe('migrations', () => {
  it('have unique ids in ascending order', () => {
    const ids = MIGRATIONS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('seed a free and a premium title of every content type', () => {
    const seed = MIGRATIONS.flatMap((m) => m.statements).filter((s) => s.startsWith('INSERT INTO contents'));
    for (const type of CONTENT_TYPES) {
      for (const premium of [true, false]) {
        expect(seed.some((s) => s.includes(`'${type}', ${premium},`))).toBe(true);
      }
    }
  });
});
