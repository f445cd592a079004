/** One schema step: SQL statements kept in a TS module so the compiled output needs no copied files. */
export interface Migration {
  /** Ordered, unique, never renamed once released: recorded in schema_migrations. */
  readonly id: string;
  readonly statements: readonly string[];
}
