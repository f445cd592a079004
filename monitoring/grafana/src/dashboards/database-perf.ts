/**
 * Database (uid database-perf): PostgreSQL connections vs max, transactions, cache hit ratio, locks,
 * slow operations (postgres-exporter), SQL operations seen from the API (span metrics), and a direct
 * SQL panel on the PostgreSQL datasource.
 */
import type { DashboardSpec } from '../layout.ts';
import { rate } from '../metrics.ts';
import { RECORDED as R } from '../recording-rules.ts';
import { SPAN_CALLS, SPAN_DURATION_BUCKET, sqlSpanRate } from '../span-metrics.ts';

const blocksHitRatio =
  `sum(${rate('pg_stat_database_blks_hit')}) / ` +
  `(sum(${rate('pg_stat_database_blks_hit')}) + sum(${rate('pg_stat_database_blks_read')}))`;

export const databasePerf: DashboardSpec = {
  uid: 'database-perf',
  title: 'Database',
  description: 'PostgreSQL performance (postgres-exporter) and the SQL operations of the API (span metrics).',
  tags: ['mytelevision', 'database', 'postgresql'],
  rows: [
    {
      title: 'PostgreSQL',
      panels: [
        {
          kind: 'stat',
          title: 'PostgreSQL up',
          description: 'pg_up: the exporter reached the server (PostgreSQLDown fires at 0 for 1m).',
          w: 6,
          queries: [{ expr: 'min(pg_up)' }],
        },
        {
          kind: 'stat',
          title: 'Connections used',
          description: 'Client connections over max_connections (DatabaseConnectionsHigh warns above 80%).',
          w: 6,
          unit: 'percentunit',
          thresholds: { warn: 0.7, critical: 0.8 },
          queries: [{ expr: `max(${R.pgConnectionsUsage})` }],
        },
        {
          kind: 'stat',
          title: 'Cache hit ratio',
          description: 'Share of block reads served from shared buffers.',
          w: 6,
          unit: 'percentunit',
          queries: [{ expr: blocksHitRatio }],
        },
        {
          kind: 'stat',
          title: 'Database size',
          description: 'Size on disk of all databases.',
          w: 6,
          unit: 'bytes',
          queries: [{ expr: 'sum(pg_database_size_bytes)' }],
        },
        {
          kind: 'timeseries',
          title: 'Connections vs max',
          description: 'Client connections by state, and the server max_connections.',
          w: 12,
          queries: [
            { expr: 'sum by (state) (pg_stat_activity_count)', legend: '{{state}}' },
            { expr: 'max(pg_settings_max_connections)', legend: 'max_connections' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Transactions',
          description: 'Commits and rollbacks per second, all databases.',
          w: 12,
          unit: 'ops',
          queries: [
            { expr: `sum(${rate('pg_stat_database_xact_commit')})`, legend: 'commit' },
            { expr: `sum(${rate('pg_stat_database_xact_rollback')})`, legend: 'rollback' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Cache hit ratio',
          description: 'Share of block reads served from shared buffers, over time.',
          w: 8,
          unit: 'percentunit',
          queries: [{ expr: blocksHitRatio, legend: 'hit ratio' }],
        },
        {
          kind: 'timeseries',
          title: 'Locks by mode',
          description: 'Locks held, by lock mode.',
          w: 8,
          queries: [{ expr: 'sum by (mode) (pg_locks_count)', legend: '{{mode}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Slow operations',
          description: 'Longest running transaction by state, and deadlocks per second.',
          w: 8,
          unit: 's',
          queries: [
            { expr: 'max by (state) (pg_stat_activity_max_tx_duration)', legend: 'longest tx {{state}}' },
            { expr: `sum(${rate('pg_stat_database_deadlocks')})`, legend: 'deadlocks/s' },
          ],
        },
      ],
    },
    {
      title: 'SQL operations (span metrics)',
      panels: [
        {
          kind: 'timeseries',
          title: 'SQL operations per second',
          description: 'SQL client spans of the API per second, by operation (span name).',
          w: 8,
          unit: 'ops',
          queries: [{ expr: sqlSpanRate(SPAN_CALLS, 'span_name'), legend: '{{span_name}}' }],
        },
        {
          kind: 'timeseries',
          title: 'SQL p95 duration',
          description: '95th percentile of SQL span duration, by operation.',
          w: 8,
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, ${sqlSpanRate(SPAN_DURATION_BUCKET, 'le, span_name')})`,
              legend: '{{span_name}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'SQL errors per second',
          description: 'SQL spans that ended with an error status, by operation.',
          w: 8,
          unit: 'ops',
          queries: [
            {
              expr: sqlSpanRate(SPAN_CALLS, 'span_name', 'status_code="STATUS_CODE_ERROR"'),
              legend: '{{span_name}}',
            },
          ],
        },
        {
          kind: 'sql-table',
          title: 'Largest tables',
          description:
            'Direct query on the PostgreSQL datasource: the ten largest tables and their activity.',
          w: 24,
          query: {
            sql: [
              'SELECT relname AS "table", n_live_tup AS "live rows", seq_scan AS "seq scans",',
              '  idx_scan AS "index scans", pg_total_relation_size(relid) AS "bytes"',
              'FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC LIMIT 10',
            ].join('\n'),
          },
        },
      ],
    },
  ],
};
