import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

export interface LoggingModuleOptions {
  /** pino level; default LOG_LEVEL or `info`. */
  readonly level?: string;
}

/** Paths whose successful requests are not logged: scrapes and probes every few seconds are noise. */
const QUIET_PATHS = /^\/(metrics|health\/)/;

/**
 * Structured JSON logs (pino) for the whole app, one line per request. The pino instrumentation of
 * the preload adds `trace_id`, `span_id` and `trace_flags` to every line written inside a span, so a
 * log line leads to its trace. Credentials never reach the logs.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingModuleOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // Every route, in the path syntax of Express 5 (the default `*` is a legacy pattern).
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: options.level ?? process.env.LOG_LEVEL ?? 'info',
            base: { service: process.env.OTEL_SERVICE_NAME || 'mytelevision-api' },
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
            customLogLevel: (_req, res, error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
