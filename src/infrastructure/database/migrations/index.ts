import type { Migration } from './migration';
import { schema } from './001-schema';
import { seedCatalogue } from './002-seed-catalogue';

/** Every migration, in the order they apply. Append only. */
export const MIGRATIONS: readonly Migration[] = [schema, seedCatalogue];
export type { Migration } from './migration';
