/**
 * Dashboard variables for more than one instance: which Prometheus-compatible datasource (Prometheus
 * itself, or Thanos Query in the HA profile), and which scrape jobs and instances. Every PromQL
 * selector of every panel is narrowed by `job=~"$job", instance=~"$instance"` (`withScope`), so a
 * panel written once serves one instance or ten. "All" is `.*`, which also matches a series without
 * the label (recording rules aggregate `instance` away): the default view is unchanged.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { parser } from '@prometheus-io/lezer-promql';

export const DATASOURCE_VARIABLE = 'datasource';
/** The datasource reference of every Prometheus panel and target: the variable, resolved by Grafana. */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` } as const;

const SCOPE_MATCHERS = ['job=~"$job"', 'instance=~"$instance"'];

/** `expr` with the job/instance matchers added to each of its vector selectors. */
export function withScope(expr: string): string {
  const inserts: { at: number; text: string }[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL syntax error at ${cursor.from}: ${expr}`);
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const matchers = node.getChild('LabelMatchers');
    if (!matchers) {
      inserts.push({ at: node.to, text: `{${SCOPE_MATCHERS.join(', ')}}` });
      continue;
    }
    const inside = expr.slice(matchers.from + 1, matchers.to - 1).trim();
    const close = expr.lastIndexOf('}', matchers.to - 1);
    inserts.push({
      at: close,
      text: `${inside === '' || inside.endsWith(',') ? '' : ', '}${SCOPE_MATCHERS.join(', ')}`,
    });
  } while (cursor.next());
  let out = expr;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at))
    out = out.slice(0, at) + text + out.slice(at);
  return out;
}

/** datasource, job and instance (instance follows the chosen jobs). */
export function scopeVariables(): cog.Builder<dashboard.VariableModel>[] {
  const all = { selected: true, text: 'All', value: '$__all' };
  return [
    new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
      .label('Datasource')
      .description('Prometheus, or Thanos Query (every replica, deduplicated, with the bucket’s history).')
      .type('prometheus')
      .current({ selected: true, text: 'Prometheus', value: 'prometheus' }),
    labelValuesVariable('job', 'Job', 'label_values(up, job)', all),
    labelValuesVariable('instance', 'Instance', 'label_values(up{job=~"$job"}, instance)', all),
  ];
}

/** A multi-value variable over one label's values (All = any value), refreshed with the time range. */
function labelValuesVariable(
  name: string,
  label: string,
  query: string,
  all: dashboard.VariableOption,
): cog.Builder<dashboard.VariableModel> {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS_DATASOURCE)
    .query({ query, refId: name })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(all);
}
