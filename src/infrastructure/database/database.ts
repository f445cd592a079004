/**
 * The one database interface of the API. Two implementations speak the same PostgreSQL dialect:
 * `pg` against a real server (DATABASE_URL) and embedded PGlite (no server installed).
 */
export interface QueryResult<T> {
  readonly rows: T[];
  /** Rows inserted, updated or deleted (0 for SELECT on some drivers: use rows.length there). */
  readonly rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface Database extends Queryable {
  /** Which implementation runs, for logs and health details. */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Nest injection token of the Database. */
export const DATABASE = Symbol('DATABASE');

/** PostgreSQL's SQLSTATE for a unique-constraint violation, reported the same by pg and PGlite. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION
  );
}
