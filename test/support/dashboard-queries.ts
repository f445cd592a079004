import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every query of the provisioned dashboards (monitoring/grafana/dashboards/*.json), one per panel target. */

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly datasource: 'prometheus' | 'postgres' | 'redis';
  /** PromQL, SQL, or the Redis command (`info stats`). */
  readonly query: string;
}

interface Target {
  refId?: string;
  datasource?: { type?: string };
  expr?: string;
  rawSql?: string;
  command?: string;
  section?: string;
}
interface Panel {
  title?: string;
  datasource?: { type?: string };
  targets?: Target[];
  panels?: Panel[];
}

const KINDS: Record<string, PanelQuery['datasource']> = {
  prometheus: 'prometheus',
  'grafana-postgresql-datasource': 'postgres',
  'redis-datasource': 'redis',
};

export function dashboardQueries(dir: string): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { uid: string; panels: Panel[] };
    const walk = (panels: Panel[]) => {
      for (const p of panels) {
        if (p.panels) walk(p.panels);
        for (const t of p.targets ?? []) {
          const type = t.datasource?.type ?? p.datasource?.type ?? 'prometheus';
          const datasource = KINDS[type];
          if (!datasource) throw new Error(`${dashboard.uid} / ${p.title}: unknown datasource type ${type}`);
          const query =
            datasource === 'prometheus'
              ? t.expr
              : datasource === 'postgres'
                ? t.rawSql
                : `${t.command} ${t.section ?? ''}`.trim();
          if (!query) throw new Error(`${dashboard.uid} / ${p.title} / ${t.refId}: empty query`);
          out.push({
            dashboard: dashboard.uid,
            panel: p.title ?? '(untitled)',
            refId: t.refId ?? 'A',
            datasource,
            query,
          });
        }
      }
    };
    walk(dashboard.panels);
  }
  return out;
}

/**
 * Grafana's built-in variables as Grafana would expand them for a 5-minute range at this stack's
 * 2s scrape interval ($__rate_interval is at least four scrape intervals; 1m is what Grafana picks
 * for a ~1000 px wide panel at that range).
 */
export function expandGrafanaVariables(expr: string): string {
  return (
    expr
      .replace(/\$\{?__rate_interval\}?/g, '1m')
      .replace(/\$\{?__interval\}?/g, '15s')
      .replace(/\$\{?__range\}?/g, '5m')
      // The job/instance variables at their default, "All" (their allValue).
      .replace(/\$\{?(job|instance)\}?/g, '.*')
  );
}
