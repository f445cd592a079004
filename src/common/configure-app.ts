import { RequestMethod, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { MetricsService } from '@infrastructure/metrics';
import type { AppConfig } from '../config';
import { bodyParserErrors } from './body-parser-errors';
import { HttpExceptionFilter } from './http-exception.filter';
import { createValidationPipe } from './validation';

export const API_PREFIX = 'api/v1';
const LOGIN_PATH = `/${API_PREFIX}/auth/login`;

/**
 * A login whose body the parser rejects (malformed JSON, too large) is a failed login with reason
 * invalid_request, like one that fails validation (LoginMetricsInterceptor): it never reaches the route.
 */
function loginBodyRejected(metrics: MetricsService) {
  return (req: Request): void => {
    if (req.method !== 'POST' || req.path.replace(/\/+$/, '').toLowerCase() !== LOGIN_PATH) return;
    metrics.recordFailedLogin('invalid_request');
    metrics.recordLogin('local', false);
  };
}

/** Routes outside the /api/v1 prefix: probes and the Prometheus scrape. */
const UNPREFIXED = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

/** Everything main.ts and the tests set up the same way on a created app, before listen/init. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: config.bodyLimit });
  express.use(bodyParserErrors(loginBodyRejected(app.get(MetricsService))));
  express.disable('x-powered-by');
  // Behind a proxy (compose, a load balancer) the client's address comes from X-Forwarded-For.
  if (config.nodeEnv === 'production') express.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
}
