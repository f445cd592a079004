/**
 * Datasource references of the dashboards. The uids are fixed in
 * monitoring/grafana/provisioning/datasources/datasources.yml; grafana-dashboards.spec.ts checks that
 * every panel and target uses one of them.
 */
export interface DataSourceRef {
  readonly type: string;
  readonly uid: string;
}

export const DATASOURCES = {
  prometheus: { type: 'prometheus', uid: 'prometheus' },
  postgres: { type: 'grafana-postgresql-datasource', uid: 'postgres' },
  redis: { type: 'redis-datasource', uid: 'redis' },
  alertmanager: { type: 'alertmanager', uid: 'alertmanager' },
} as const satisfies Record<string, DataSourceRef>;
