/** Prometheus's HTTP API (instant queries, series), as the end-to-end tests read it. */

/** Where Prometheus answers and the headers it wants (basic auth); a plain URL for an open one. */
export interface PrometheusEndpoint {
  readonly url: string;
  readonly headers: Record<string, string>;
}
export type PrometheusBase = string | PrometheusEndpoint;
const endpoint = (base: PrometheusBase): PrometheusEndpoint =>
  typeof base === 'string' ? { url: base, headers: {} } : base;

export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

async function get<T>(base: PrometheusBase, path: string): Promise<T> {
  const { url: root, headers } = endpoint(base);
  const url = `${root}${path}`;
  const res = await fetch(url, { headers });
  const body = (await res.json()) as ApiAnswer<T>;
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/** Instant query; throws on a PromQL error. Scalars/strings come back as one sample without labels. */
export async function instantQuery(base: PrometheusBase, expr: string): Promise<Sample[]> {
  const data = await get<{ resultType: string; result: unknown }>(
    base,
    `/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  if (data.resultType === 'vector') return data.result as Sample[];
  if (data.resultType === 'matrix') {
    return (data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((s) => ({
      metric: s.metric,
      value: s.values[s.values.length - 1],
    }));
  }
  return [{ metric: {}, value: data.result as [number, string] }];
}

/** Every series matching `selector` (label sets). */
export async function series(base: PrometheusBase, selector: string): Promise<Record<string, string>[]> {
  return get<Record<string, string>[]>(base, `/api/v1/series?match[]=${encodeURIComponent(selector)}`);
}

/** Value of a single-series query, or undefined when it returns nothing. */
export async function scalarQuery(base: PrometheusBase, expr: string): Promise<number | undefined> {
  const result = await instantQuery(base, expr);
  return result.length > 0 ? Number(result[0].value[1]) : undefined;
}
