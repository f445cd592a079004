import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { recordMetricsAuthFailure } from './metrics-auth-failures';
import { PrometheusExposition } from './prometheus-exposition';

/** GET /metrics (outside /api/v1): the Prometheus exposition, behind a bearer token when one is set. */
@SkipThrottle()
@Controller()
export class MetricsController {
  constructor(@Inject(PrometheusExposition) private readonly exposition: PrometheusExposition) {}

  @Get('metrics')
  async metrics(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.exposition.authorized(req.headers.authorization)) {
      recordMetricsAuthFailure(req);
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"').json({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'GET /metrics needs the bearer token set by METRICS_TOKEN',
      });
      return;
    }
    const result = await this.exposition.render();
    res.status(result.status).setHeader('Content-Type', result.contentType).send(result.body);
  }
}
