import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import { ThrottledWarning } from '../logging/throttled-warning';

const logger = new Logger('Metrics');
// One warning a minute at most, carrying how many failures it held back: a token-guessing flood
// cannot flood the logs.
const warning = new ThrottledWarning((msg, ctx) => logger.warn({ ...ctx, msg }));
let total = 0;

/**
 * Logs a refused GET /metrics (missing or wrong bearer token), throttled, with the running count since
 * start. Each refusal is also counted by the HTTP metrics as
 * `mytelevision_http_requests_total{method="GET",path="/metrics",status_code="401"}`.
 */
export function recordMetricsAuthFailure(req: Request): void {
  total++;
  warning.warn('metrics-auth-failure', 'GET /metrics refused: missing or wrong bearer token', {
    remoteAddress: req.socket.remoteAddress,
    failuresSinceStart: total,
  });
}
