/** Types of the untyped `parse-prometheus-text-format` package (prom2json-compatible output). */
declare module 'parse-prometheus-text-format' {
  export interface ParsedSample {
    labels?: Record<string, string>;
    /** counter, gauge, untyped */
    value?: string;
    /** histogram: upper bound (`le`) -> cumulative count */
    buckets?: Record<string, string>;
    /** summary: quantile -> value */
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface ParsedFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: ParsedSample[];
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
