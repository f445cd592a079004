import { DynamicModule, Global, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Application } from 'express';
import { ThrottledWarning } from '../logging/throttled-warning';
import { MetricsService } from '../metrics/metrics.service';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { PrometheusExposition } from './prometheus-exposition';
import { RouteTemplates } from './route-templates';
import { OPERATIONAL_PATHS } from './telemetry-options';
import { getTelemetryRuntime } from './telemetry-runtime';

export interface TelemetryModuleOptions {
  /** Bearer token required on GET /metrics (the app config's METRICS_TOKEN / METRICS_TOKEN_FILE); none: open. */
  readonly metricsToken?: string;
}

const INSTALLED = Symbol.for('mytelevision.httpMetricsInstalled');
/**
 * The Express app under Nest's adapter as this module uses it: its routes (read at runtime), `use`,
 * and a mark once the HTTP metrics middleware is installed.
 */
type MetricsApp = ConstructorParameters<typeof RouteTemplates>[0] &
  Pick<Application, 'use'> & { [INSTALLED]?: boolean };

/**
 * Serves GET /metrics and records the HTTP metrics of every request. Needs MetricsModule.
 *
 * The HTTP metrics middleware is installed on the Express app while Nest instantiates this module,
 * which NestFactory.create does before it registers the body parser: so requests that the parser
 * rejects (malformed JSON, 413) are measured too. A Nest middleware would run after the parser.
 */
@Global()
@Module({})
export class TelemetryModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(TelemetryModule.name);
  private readonly routes: RouteTemplates | undefined;

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

  constructor(
    @Inject(HttpAdapterHost) adapterHost: HttpAdapterHost,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {
    const app = adapterHost.httpAdapter?.getInstance?.<MetricsApp>();
    if (!app) {
      this.logger.warn(
        'no HTTP adapter yet (app not built with NestFactory.create): HTTP metrics are not recorded',
      );
      return;
    }
    this.routes = new RouteTemplates(app);
    if (app[INSTALLED]) return;
    app[INSTALLED] = true;
    app.use(httpMetricsMiddleware(metrics, this.routes));
  }

  /**
   * Routes are registered by now: every rate-limited route template gets its
   * mytelevision_rate_limit_hits_total series at 0 before the first 429.
   */
  onApplicationBootstrap(): void {
    if (!this.routes) return;
    this.metrics.declareRateLimitedEndpoints(
      this.routes.handlerTemplates().filter((t) => !OPERATIONAL_PATHS.includes(t)),
    );
  }

  /** Nest's shutdown hooks await the SDK flush before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await getTelemetryRuntime()?.shutdown();
  }
}
