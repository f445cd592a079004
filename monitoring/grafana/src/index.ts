/**
 * The MyTelevision dashboards as code. `renderDashboards()` returns each dashboard's JSON file name
 * and content exactly as committed in monitoring/grafana/dashboards (the generator writes them, the
 * drift test compares them).
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { apiOverview } from './dashboards/api-overview.ts';
import { authSessions } from './dashboards/auth-sessions.ts';
import { businessMetrics } from './dashboards/business-metrics.ts';
import { databasePerf } from './dashboards/database-perf.ts';
import { infrastructure } from './dashboards/infrastructure.ts';
import { slo } from './dashboards/slo.ts';
import { buildDashboard, type DashboardSpec } from './layout.ts';

export const DASHBOARD_SPECS: readonly DashboardSpec[] = [
  apiOverview,
  authSessions,
  databasePerf,
  businessMetrics,
  infrastructure,
  slo,
];

export function buildDashboards(): dashboard.Dashboard[] {
  return DASHBOARD_SPECS.map(buildDashboard);
}

/** File name (`<uid>.json`) -> file content (2-space JSON, trailing newline). */
export function renderDashboards(): Map<string, string> {
  return new Map(buildDashboards().map((d) => [`${d.uid}.json`, `${JSON.stringify(d, null, 2)}\n`]));
}
