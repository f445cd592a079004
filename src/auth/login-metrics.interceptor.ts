import {
  BadRequestException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, type Observable } from 'rxjs';
import { MetricsService } from '@infrastructure/metrics';

/**
 * A login whose body fails validation is a failed login too (reason invalid_request). Validation
 * runs inside the handler call that this interceptor wraps, so its 400 passes through here.
 */
@Injectable()
export class LoginMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof BadRequestException) {
          this.metrics.recordFailedLogin('invalid_request');
          this.metrics.recordLogin('local', false);
        }
        throw error;
      }),
    );
  }
}
