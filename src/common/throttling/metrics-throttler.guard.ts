import { Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { MetricsService, UNMATCHED_ROUTE } from '@infrastructure/metrics';
import { OPERATIONAL_PATHS } from '@infrastructure/telemetry/telemetry-options';

const LOGIN_ROUTE = 'mytelevision:login-route';
/** Marks the login handler: a throttled login also counts as a failed login (reason rate_limited). */
export const LoginRoute = () => SetMetadata(LOGIN_ROUTE, true);

/** Paths that are never rate limited: the probes and the Prometheus scrape. */
const UNLIMITED_PATHS = new Set(OPERATIONAL_PATHS);

/**
 * The global rate limiter. Every rejection records `rate_limit_hits_total{endpoint=<route template>}`;
 * on the login route it also records a failed login (rate_limited) and a failed local login.
 */
@Injectable()
export class MetricsThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: MetricsService,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return Promise.resolve(true);
    const req = context.switchToHttp().getRequest<Request>();
    return Promise.resolve(UNLIMITED_PATHS.has(req.path));
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const req = context.switchToHttp().getRequest<Request>();
    this.metrics.recordRateLimitHit((req.route as { path?: string } | undefined)?.path ?? UNMATCHED_ROUTE);
    if (this.reflector.get<boolean>(LOGIN_ROUTE, context.getHandler())) {
      this.metrics.recordFailedLogin('rate_limited');
      this.metrics.recordLogin('local', false);
    }
    return super.throwThrottlingException(context, detail);
  }
}
