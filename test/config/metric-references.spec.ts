import { parsePromQL } from '../support/promql';
import {
  exporterMetricNames,
  knownMetricNames,
  loadRules,
  recordingRuleNames,
  ruleFiles,
} from '../support/known-metrics';

/**
 * Every PromQL expression of the Prometheus rules (alerting and recording) parses with Prometheus's
 * grammar, and every metric it selects exists: in the API's catalogue, in a recording rule, or in a
 * metric list captured from a real exporter. Catches a typo'd or renamed metric that promtool cannot
 * (an unknown metric is just an empty result to it).
 */
const expressions = ruleFiles().flatMap((file) =>
  (loadRules(file).groups ?? []).flatMap((g) =>
    (g.rules ?? []).map((r) => ({
      rule: `${file.split('/').pop()} ${g.name} ${r.alert ?? r.record}`,
      name: r.alert ?? r.record,
      expr: r.expr,
    })),
  ),
);
const known = knownMetricNames();

describe('metric references of the Prometheus rules', () => {
  it('finds the rules and the exporter fixtures', () => {
    expect(expressions.length).toBeGreaterThanOrEqual(30);
    expect([...exporterMetricNames().keys()]).toEqual(
      expect.arrayContaining([
        'node-exporter.txt',
        'postgres-exporter.txt',
        'redis-exporter.txt',
        'cadvisor.txt',
        'prometheus.txt',
        'alertmanager.txt',
        'blackbox-exporter.txt',
        'otel-collector-internal.txt',
      ]),
    );
    for (const [fixture, names] of exporterMetricNames())
      expect({ fixture, empty: names.length === 0 }).toEqual({ fixture, empty: false });
  });

  it.each(expressions)('$rule parses and selects only known metrics', ({ name, expr }) => {
    const parsed = parsePromQL(expr);
    expect(parsed.errors).toEqual([]);
    // The Watchdog (vector(1)) is the one rule that reads no metric: it always fires.
    if (name === 'Watchdog') expect(parsed.metricNames).toEqual([]);
    else expect(parsed.metricNames.length).toBeGreaterThan(0);
    expect(parsed.metricNames.filter((n) => !known.has(n))).toEqual([]);
  });

  it('rejects a misspelt metric (the check can fail)', () => {
    const parsed = parsePromQL('sum(rate(mytelevision_http_request_total[5m]))');
    expect(parsed.metricNames.filter((n) => !known.has(n))).toEqual(['mytelevision_http_request_total']);
  });

  it('names recording rules level:metric:operations', () => {
    for (const name of recordingRuleNames()) expect(name).toMatch(/^[a-z_]+:[a-zA-Z0-9_]+:[a-z0-9_]+$/);
  });
});
