import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { CACHE_STORE, type CacheStore } from '@infrastructure/cache';
import { DATABASE, type Database } from '@infrastructure/database';

/** A dependency that does not answer within this time counts as down: probes must stay fast. */
export const READINESS_TIMEOUT_MS = 1_000;

/** Liveness (the process answers) and readiness (its database and session store answer). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CACHE_STORE) private readonly store: CacheStore,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** 200 with each dependency's status, or 503 `{statusCode, error, message, details}` naming the ones down. */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.probe('database', this.db.kind, () => this.db.query('SELECT 1')),
        () => this.probe('sessionStore', this.store.kind, () => this.store.ping()),
      ]);
    } catch (error) {
      const result =
        error instanceof ServiceUnavailableException
          ? (error.getResponse() as Partial<HealthCheckResult>)
          : undefined;
      if (!result?.details) throw error;
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({
        message: `not ready: ${down.join(', ')} down`,
        details: result.details,
      });
    }
  }

  private async probe(key: string, kind: string, check: () => Promise<unknown>) {
    const session = this.indicator.check(key);
    try {
      await withTimeout(check(), READINESS_TIMEOUT_MS);
      return session.up({ kind });
    } catch (error) {
      return session.down({ kind, message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
