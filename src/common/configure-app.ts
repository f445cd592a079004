import { RequestMethod, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import { MetricsService } from '@infrastructure/metrics';
import type { AppConfig } from '../config';
import { bodyParserErrors } from './body-parser-errors';
import { refuseHostileBody, refuseNulInUrl } from './hostile-input/request-guards';
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
  applyServerTimeouts(express.getHttpServer(), config);
  // Security headers on every response, errors included (nosniff, no framing, HSTS, a strict CSP).
  express.use(helmet());
  express.use(refuseNulInUrl);
  express.useBodyParser('json', { limit: config.bodyLimit });
  // Flat form bodies only (no qs nesting); registered here so that the guards below see them too.
  express.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  express.use(refuseHostileBody);
  express.use(bodyParserErrors(loginBodyRejected(app.get(MetricsService))));
  express.disable('x-powered-by');
  // X-Forwarded-For names the client (req.ip, the rate-limit key) only when it comes from a proxy
  // listed in TRUSTED_PROXIES; otherwise a client could pick its own key. Default: none trusted.
  express.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
}

/**
 * Node's defaults hold a slow client for minutes (60 s for headers, 300 s for a body, each checked
 * every 30 s); the API drops it after HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS instead
 * (checked every second by ApiHttpAdapter's server).
 */
function applyServerTimeouts(server: Server, config: AppConfig): void {
  server.headersTimeout = config.server.headersTimeoutMs;
  server.requestTimeout = config.server.requestTimeoutMs;
  server.keepAliveTimeout = config.server.keepAliveTimeoutMs;
}
