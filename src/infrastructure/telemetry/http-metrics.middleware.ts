import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../metrics/metrics.service';
import type { RouteTemplates } from './route-templates';

/** Status recorded for a request whose client went away before the response was sent (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Records mytelevision_http_requests_total, _request_duration_seconds and _requests_in_flight for
 * every request: routed ones, 404s, validation errors, and those rejected by guards, the rate
 * limiter or the body parser. The `path` label is the route template, never the raw URL.
 */
export function httpMetricsMiddleware(metrics: MetricsService, routes: RouteTemplates) {
  return function recordHttpMetrics(req: Request, res: Response, next: NextFunction): void {
    const start = performance.now();
    metrics.httpRequestStarted();
    res.once('close', () => {
      // Express types req.route as any: a matched Route, or undefined; templateOf checks the path.
      const route = req.route as { path?: unknown } | undefined;
      const template = routes.templateOf(req.method, req.originalUrl, route?.path);
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST;
      metrics.recordHttpRequest(req.method, template, status, (performance.now() - start) / 1000);
    });
    next();
  };
}
