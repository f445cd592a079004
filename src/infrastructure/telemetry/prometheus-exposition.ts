import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { ThrottledWarning } from '../logging/throttled-warning';
import { MetricsToken } from './metrics-token';
import type { TelemetryRuntime } from './telemetry-runtime';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface ExpositionResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Renders the pull reader's collection — the catalogue, the process metrics, target_info — with the
 * exporter's stock serializer (configured as the exporter configures it: no timestamps, no
 * otel_scope_* labels), served by the API itself rather than a second HTTP server.
 */
export class PrometheusExposition {
  private readonly serializer = new PrometheusSerializer('', false, undefined, false, true);
  private readonly token: MetricsToken;

  constructor(
    private readonly runtime: TelemetryRuntime | undefined,
    token: string | undefined,
    private readonly warning: ThrottledWarning,
  ) {
    this.token = new MetricsToken(token);
  }

  authorized(header: string | undefined): boolean {
    return this.token.authorizes(header);
  }

  async render(): Promise<ExpositionResult> {
    const reader = this.runtime?.prometheus;
    if (!this.runtime)
      return text(503, '# telemetry is off (OTEL_SDK_DISABLED=true or no --require preload)\n');
    if (!reader) return text(404, '# metrics are not served here (OTEL_METRICS_EXPORTER is otlp or none)\n');
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) {
      // A failing observable callback skips its own metric; the rest of the scrape is served.
      this.warning.warn('collect', 'metric collection reported errors', {
        errors: errors.map(String).slice(0, 5),
      });
    }
    return text(200, this.serializer.serialize(resourceMetrics));
  }
}

function text(status: number, body: string): ExpositionResult {
  return { status, contentType: PROMETHEUS_CONTENT_TYPE, body };
}
