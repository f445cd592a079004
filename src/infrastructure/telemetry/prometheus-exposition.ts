import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { PrometheusTextSerializer } from '../metrics/prometheus-text';
import { timingSafeEqual } from 'node:crypto';
import type { ThrottledWarning } from '../logging/throttled-warning';
import type { TelemetryRuntime } from './telemetry-runtime';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface ExpositionResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Renders the pull reader's metrics in the Prometheus text format, served by the API itself (no
 * second HTTP server), and checks the scrape's bearer token in constant time.
 */
export class PrometheusExposition {
  /** The SDK's own metrics (process, runtime, target_info): a few series, the stock serializer. */
  private readonly sdkSerializer = new PrometheusSerializer('', false, undefined, false, true);
  /** The catalogue: up to thousands of series, the scrape-path serializer. */
  private readonly catalogueSerializer = new PrometheusTextSerializer();
  private readonly token: Buffer | undefined;

  constructor(
    private readonly runtime: TelemetryRuntime | undefined,
    token: string | undefined,
    private readonly warning: ThrottledWarning,
  ) {
    this.token = token ? Buffer.from(`Bearer ${token}`) : undefined;
  }

  authorized(header: string | undefined): boolean {
    if (!this.token) return true;
    if (!header) return false;
    const given = Buffer.from(header);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  async render(): Promise<ExpositionResult> {
    const reader = this.runtime?.prometheus;
    if (!this.runtime) return text(503, '# telemetry is off (OTEL_SDK_DISABLED=true or no --require preload)\n');
    if (!reader) return text(404, '# metrics are pushed over OTLP (OTEL_METRICS_EXPORTER=otlp), not served here\n');
    const [{ resourceMetrics, errors }, catalogue] = await Promise.all([reader.collect(), this.runtime.metricStore.collect()]);
    if (errors.length > 0) {
      // A failing observable callback skips its own metric; the rest of the scrape is served.
      this.warning.warn('collect', 'metric collection reported errors', { errors: errors.map(String).slice(0, 5) });
    }
    return text(200, this.sdkSerializer.serialize(resourceMetrics) + this.catalogueSerializer.serialize(catalogue));
  }
}

function text(status: number, body: string): ExpositionResult {
  return { status, contentType: PROMETHEUS_CONTENT_TYPE, body };
}
