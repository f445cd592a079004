/**
 * The Grafana dashboards and provisioning: the committed JSON is what monitoring/grafana/src generates,
 * the five agreed uids, every panel uses a provisioned datasource by uid, the layout is a valid
 * grid, every PromQL expression parses with Prometheus's grammar and selects only known metrics, and
 * every catalogue metric is shown somewhere.
 *
 * Grafana's own types check each dashboard strictly in grafana-dashboard-types.spec.ts (the foundation
 * SDK's Go form; its TypeScript form type-checks the generator); the structural checks below cover
 * what provisioning needs: uid, title, schemaVersion, panel ids, types, grid positions and targets.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { METRIC_DEFINITIONS } from '../../src/infrastructure/metrics/catalog';
import { renderDashboards } from '../../monitoring/grafana/src/index';
import { knownMetricNames } from '../support/known-metrics';
import { metricFamilyCandidates, parsePromQL } from '../support/promql';

const ROOT = join(__dirname, '..', '..');
const DASHBOARD_DIR = join(ROOT, 'monitoring/grafana/dashboards');
const PROVISIONING = join(ROOT, 'monitoring/grafana/provisioning');

/** The agreed table of pre-configured dashboards, typed here on purpose (not derived from the code). */
const AGREED_UIDS = ['api-overview', 'auth-sessions', 'database-perf', 'business-metrics', 'infrastructure'];
/** Every dashboard: the five of the product's list, and the SLO dashboard. */
const ALL_UIDS = [...AGREED_UIDS, 'slo'];

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title?: string;
  gridPos: GridPos;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
}

const committed = new Map<string, string>(
  readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, readFileSync(join(DASHBOARD_DIR, f), 'utf8')]),
);
const dashboards: Dashboard[] = [...committed.values()].map((text) => JSON.parse(text) as Dashboard);
const allPanels = dashboards.flatMap((d) => d.panels.map((p) => ({ dashboard: d.uid, panel: p })));
const queryPanels = allPanels.filter(({ panel }) => panel.type !== 'row');
const promTargets = queryPanels.flatMap(({ dashboard, panel }) =>
  (panel.targets ?? [])
    .filter((t) => t.datasource?.type === 'prometheus')
    .map((t) => ({ where: `${dashboard} / ${panel.title} / ${t.refId}`, expr: t.expr ?? '' })),
);

const datasourcesFile = parse(readFileSync(join(PROVISIONING, 'datasources/datasources.yml'), 'utf8')) as {
  datasources: Array<{
    name: string;
    uid: string;
    type: string;
    isDefault?: boolean;
    jsonData?: Record<string, unknown>;
  }>;
};
const provisionedByUid = new Map(datasourcesFile.datasources.map((d) => [d.uid, d]));

/** Span-metric names as the Collector's span metrics connector names them (namespace + suffixes). */
function spanMetricNames(): string[] {
  const config = parse(readFileSync(join(ROOT, 'otel-collector/config.yaml'), 'utf8')) as {
    connectors: Record<string, { namespace: string; histogram?: { unit?: string } }>;
  };
  const connector = Object.entries(config.connectors).find(
    ([name]) => name.split('/')[0] === 'spanmetrics' || name.split('/')[0] === 'span_metrics',
  );
  if (!connector) throw new Error('otel-collector/config.yaml has no span metrics connector');
  const prefix = connector[1].namespace.replace(/\./g, '_');
  const unit = connector[1].histogram?.unit === 's' ? 'seconds' : 'milliseconds';
  return [`${prefix}_calls_total`, `${prefix}_duration_${unit}`];
}

/** Recording rule name -> metric names its expression selects. */
function recordingRules(): Map<string, string[]> {
  const file = parse(readFileSync(join(ROOT, 'monitoring/prometheus/rules/recording.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ record?: string; expr: string }> }>;
  };
  const rules = new Map<string, string[]>();
  for (const group of file.groups)
    for (const rule of group.rules)
      if (rule.record) rules.set(rule.record, [...parsePromQL(rule.expr).metricNames]);
  return rules;
}

describe('generated dashboards', () => {
  it('the committed JSON files are exactly what monitoring/grafana/src generates (run `npm run dashboards`)', () => {
    const generated = renderDashboards();
    expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [name, content] of generated)
      expect({ name, content: committed.get(name) }).toEqual({ name, content });
  });

  it('has the five product dashboard uids and the SLO dashboard, one file each, with titles and a schema version', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([...ALL_UIDS].sort());
    for (const d of dashboards) {
      expect(committed.has(`${d.uid}.json`)).toBe(true);
      expect(d.title).toEqual(expect.any(String));
      expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
    }
  });
});

describe('panel layout', () => {
  it.each(ALL_UIDS)('%s: unique ids, positions inside the 24-column grid, no overlaps', (uid) => {
    const d = dashboards.find((x) => x.uid === uid)!;
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { gridPos: g, title } of d.panels) {
      expect({ title, ok: Number.isInteger(g.x) && Number.isInteger(g.y) && g.w > 0 && g.h > 0 }).toEqual({
        title,
        ok: true,
      });
      expect({ title, x: g.x >= 0, right: g.x + g.w <= 24, y: g.y >= 0 }).toEqual({
        title,
        x: true,
        right: true,
        y: true,
      });
    }
    const overlaps: string[] = [];
    d.panels.forEach((a, i) =>
      d.panels.slice(i + 1).forEach((b) => {
        const A = a.gridPos;
        const B = b.gridPos;
        if (A.x < B.x + B.w && B.x < A.x + A.w && A.y < B.y + B.h && B.y < A.y + A.h)
          overlaps.push(`${a.title} / ${b.title}`);
      }),
    );
    expect(overlaps).toEqual([]);
  });

  it('every panel (rows aside) has at least one target and a title', () => {
    const bad = queryPanels.filter(
      ({ panel }) => !panel.title || !panel.targets || panel.targets.length === 0,
    );
    expect(bad.map(({ dashboard, panel }) => `${dashboard}/${panel.id}`)).toEqual([]);
    expect(queryPanels.length).toBeGreaterThan(0);
  });

  it('rows are expanded and hold no nested panels (the panels follow them at top level)', () => {
    for (const { panel } of allPanels.filter(({ panel }) => panel.type === 'row'))
      expect(panel.panels).toEqual([]);
  });
});

describe('datasources', () => {
  it('provisions Prometheus (default), PostgreSQL, Redis and Alertmanager with fixed uids', () => {
    const summary = datasourcesFile.datasources.map((d) => ({
      uid: d.uid,
      type: d.type,
      isDefault: d.isDefault === true,
    }));
    expect(summary).toEqual([
      { uid: 'prometheus', type: 'prometheus', isDefault: true },
      { uid: 'postgres', type: 'grafana-postgresql-datasource', isDefault: false },
      { uid: 'redis', type: 'redis-datasource', isDefault: false },
      { uid: 'alertmanager', type: 'alertmanager', isDefault: false },
    ]);
    expect(provisionedByUid.get('alertmanager')?.jsonData?.implementation).toBe('prometheus');
  });

  it('every panel and every target names a provisioned datasource by uid, with its type', () => {
    const refs = queryPanels.flatMap(({ dashboard, panel }) => [
      { where: `${dashboard}/${panel.title}`, ref: panel.datasource },
      ...(panel.targets ?? []).map((t) => ({
        where: `${dashboard}/${panel.title}/${t.refId}`,
        ref: t.datasource,
      })),
    ]);
    // Prometheus panels name the dashboard's datasource variable; it defaults to the provisioned one.
    const resolve = (uid: string) => (uid === '${datasource}' ? 'prometheus' : uid);
    const bad = refs.filter(
      ({ ref }) => !ref?.uid || provisionedByUid.get(resolve(ref.uid))?.type !== ref.type,
    );
    expect(bad.map((b) => `${b.where}: ${JSON.stringify(b.ref)}`)).toEqual([]);
    const fixedPrometheus = refs.filter(
      ({ ref }) => ref?.type === 'prometheus' && ref.uid !== '${datasource}',
    );
    expect(fixedPrometheus.map((b) => b.where)).toEqual([]);
  });

  it('every dashboard has a Prometheus datasource variable (default: the provisioned one) and job/instance variables', () => {
    for (const text of committed.values()) {
      const d = JSON.parse(text) as {
        uid: string;
        templating?: {
          list: Array<{ name: string; type: string; query?: unknown; current?: { value?: string } }>;
        };
      };
      const vars = d.templating?.list ?? [];
      expect({ uid: d.uid, vars: vars.map((v) => `${v.name}:${v.type}`) }).toEqual({
        uid: d.uid,
        vars: ['datasource:datasource', 'job:query', 'instance:query'],
      });
      expect(vars[0]).toMatchObject({ query: 'prometheus', current: { value: 'prometheus' } });
    }
  });

  it('every PromQL selector is narrowed by the job and instance variables', () => {
    const unscoped = promTargets.filter(({ expr }) => {
      const selectors = expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}/g) ?? [];
      return (
        selectors.length === 0 ||
        selectors.some((s) => !s.includes('job=~"$job"') || !s.includes('instance=~"$instance"'))
      );
    });
    expect(unscoped.map((t) => `${t.where}: ${t.expr}`)).toEqual([]);
  });

  it('the dashboards provider loads the directory compose mounts the dashboards into', () => {
    const providers = parse(readFileSync(join(PROVISIONING, 'dashboards/dashboards.yml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(providers.providers).toHaveLength(1);
    expect(providers.providers[0]).toMatchObject({
      type: 'file',
      options: { path: '/var/lib/grafana/dashboards' },
    });
  });
});

describe('PromQL of every panel', () => {
  const known = new Set([...knownMetricNames(), ...spanMetricNames()]);

  it('there are PromQL targets to check', () => {
    expect(promTargets.length).toBeGreaterThan(50);
  });

  it('every expression parses with the Prometheus grammar', () => {
    const errors = promTargets.flatMap(({ where, expr }) =>
      parsePromQL(expr).errors.map((e) => `${where}: ${e}`),
    );
    expect(errors).toEqual([]);
  });

  it('every selected metric is known (catalogue, recording rule, exporter fixture or span metric)', () => {
    const unknown = promTargets.flatMap(({ where, expr }) =>
      parsePromQL(expr)
        .metricNames.filter((name) => !metricFamilyCandidates(name).some((c) => known.has(c)))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every catalogue metric is shown on a dashboard, directly or through a recording rule', () => {
    const rules = recordingRules();
    const shown = new Set<string>();
    const visit = (name: string): void => {
      if (shown.has(name)) return;
      shown.add(name);
      for (const candidate of metricFamilyCandidates(name)) shown.add(candidate);
      for (const inner of rules.get(name) ?? []) visit(inner);
    };
    for (const { expr } of promTargets) parsePromQL(expr).metricNames.forEach(visit);
    const missing = METRIC_DEFINITIONS.map((d) => d.name).filter((name) => !shown.has(name));
    expect(missing).toEqual([]);
  });
});
