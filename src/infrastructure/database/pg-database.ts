import { Pool, type PoolClient } from 'pg';
import type { Database, Queryable, QueryResult } from './database';

/** Database over a `pg` connection pool (DATABASE_URL). */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;

  /** `password` applies when the URL has none (a secret file, not a URL in the environment). */
  constructor(connectionString: string, onError: (error: Error) => void, password?: string) {
    this.pool = new Pool({
      connectionString: withPassword(connectionString, password),
      max: 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process: log it, the pool replaces it.
    this.pool.on('error', onError);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
    const result = await this.pool.query(sql, params as unknown[]);
    return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(clientQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function clientQueryable(client: PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
  };
}

/** The URL with `password` set, unless it already carries one (pg lets URL fields win over options). */
function withPassword(connectionString: string, password: string | undefined): string {
  if (!password) return connectionString;
  const url = new URL(connectionString);
  if (url.password) return connectionString;
  url.password = encodeURIComponent(password);
  return url.toString();
}
