import { parser } from '@prometheus-io/lezer-promql';

/**
 * PromQL parsed with the Prometheus project's own grammar (@prometheus-io/lezer-promql, the parser
 * of Prometheus's web UI). Used to check that every expression in rules and dashboards parses and
 * that every metric it selects exists (in the catalogue, a recording rule or an exporter fixture).
 */
export interface ParsedPromQL {
  readonly errors: readonly string[];
  /** Metric names in vector selectors, e.g. `rate(x_bucket[5m])` gives `x_bucket`. */
  readonly metricNames: readonly string[];
}

export function parsePromQL(expr: string): ParsedPromQL {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const names = new Set<string>();
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) {
      errors.push(
        `syntax error at ${cursor.from}: ${JSON.stringify(expr.slice(Math.max(0, cursor.from - 20), cursor.from + 20))}`,
      );
    } else if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') {
      names.add(expr.slice(cursor.from, cursor.to));
    } else if (cursor.name === 'QuotedLabelName' || cursor.name === 'UnquotedLabelMatcher') {
      // {__name__="x"} selects metric x too.
      const text = expr.slice(cursor.from, cursor.to);
      const m = /^__name__\s*=\s*"([^"]+)"$/.exec(text);
      if (m) names.add(m[1]);
    }
  } while (cursor.next());
  return { errors, metricNames: [...names] };
}

/**
 * The metric a selected series comes from: `x_bucket`, `x_sum`, `x_count` belong to histogram `x`.
 * Returns the candidates a name may stand for, the name itself first.
 */
export function metricFamilyCandidates(name: string): string[] {
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return m ? [name, m[1]] : [name];
}
