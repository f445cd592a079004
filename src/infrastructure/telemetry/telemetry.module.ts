import { DynamicModule, Global, Inject, Logger, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottledWarning } from '../logging/throttled-warning';
import { MetricsService } from '../metrics/metrics.service';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { PrometheusExposition } from './prometheus-exposition';
import { RouteTemplates } from './route-templates';
import { getTelemetryRuntime } from './telemetry-runtime';

export interface TelemetryModuleOptions {
  /** Bearer token required on GET /metrics (the app config's METRICS_TOKEN / METRICS_TOKEN_FILE); none: open. */
  readonly metricsToken?: string;
}

const INSTALLED = Symbol.for('mytelevision.httpMetricsInstalled');

/**
 * Serves GET /metrics and records the HTTP metrics of every request. Needs MetricsModule.
 *
 * The HTTP metrics middleware is installed on the Express app while Nest instantiates this module,
 * which NestFactory.create does before it registers the body parser: so requests that the parser
 * rejects (malformed JSON, 413) are measured too. A Nest middleware would run after the parser.
 */
@Global()
@Module({})
export class TelemetryModule {
  private readonly logger = new Logger(TelemetryModule.name);

  static forRoot(options: TelemetryModuleOptions = {}): DynamicModule {
    return {
      module: TelemetryModule,
      controllers: [MetricsController],
      providers: [
        {
          provide: PrometheusExposition,
          useFactory: () =>
            new PrometheusExposition(
              getTelemetryRuntime(),
              options.metricsToken,
              new ThrottledWarning((msg, ctx) => new Logger('Metrics').warn({ ...ctx, msg })),
            ),
        },
      ],
      exports: [PrometheusExposition],
    };
  }

  constructor(@Inject(HttpAdapterHost) adapterHost: HttpAdapterHost, @Inject(MetricsService) metrics: MetricsService) {
    const app = adapterHost.httpAdapter?.getInstance?.();
    if (!app) {
      this.logger.warn('no HTTP adapter yet (app not built with NestFactory.create): HTTP metrics are not recorded');
      return;
    }
    if (app[INSTALLED]) return;
    app[INSTALLED] = true;
    app.use(httpMetricsMiddleware(metrics, new RouteTemplates(app)));
  }

  /** Nest's shutdown hooks await the SDK flush before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await getTelemetryRuntime()?.shutdown();
  }
}
