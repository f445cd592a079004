/**
 * Just enough of the Prometheus text format for the generator's summary: the sum of every
 * `mytelevision_*` sample name over its series (histogram buckets and sums left out). The tests read
 * expositions with Prometheus's own parser; this is only a report, never an assertion.
 */
const SAMPLE = /^(mytelevision_[a-zA-Z0-9_]+?)(?:\{[^}]*\})?\s+(\S+)/;

export function exposedTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name, raw] = match;
    if (name.endsWith('_bucket') || name.endsWith('_sum')) continue;
    const value = Number(raw);
    if (Number.isFinite(value)) totals.set(name, (totals.get(name) ?? 0) + value);
  }
  return totals;
}

/** after - before for every name of `after` (rounded to 6 decimals: payment amounts are decimals). */
export function totalsDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, value] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
    delta[name] = Math.round((value - (before.get(name) ?? 0)) * 1e6) / 1e6;
  }
  return delta;
}
