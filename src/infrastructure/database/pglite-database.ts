import type { PGlite, Transaction } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database, Queryable, QueryResult } from './database';

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) for a machine with no server: in memory, or persisted
 * in `dataDir`, which is created (initdb, about 4 s here) by the first start only; later starts
 * reopen it in about half a second. One process per directory. One connection: PGlite queues
 * concurrent queries itself.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  static async open(dataDir?: string): Promise<PgliteDatabase> {
    // Loaded on first use: a deployment with DATABASE_URL never loads the WebAssembly build.
    const { PGlite } = await import('@electric-sql/pglite');
    if (dataDir) mkdirSync(dirname(dataDir), { recursive: true });
    const db = await PGlite.create(dataDir ? { dataDir } : {});
    return new PgliteDatabase(db);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
    return toResult<T>(await this.db.query<T>(sql, params as unknown[]));
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(transactionQueryable(tx)));
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

function transactionQueryable(tx: Transaction): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      return toResult<T>(await tx.query<T>(sql, params as unknown[]));
    },
  };
}

function toResult<T>(result: { rows: T[]; affectedRows?: number }): QueryResult<T> {
  return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
}
