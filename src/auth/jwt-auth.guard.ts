import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { MetricsService } from '@infrastructure/metrics';
import { ACCESS_TOKENS, SESSION_STORE } from './auth.tokens';
import type { AccessTokens } from './access-tokens';
import type { AuthenticatedRequest } from './current-user';
import type { SessionStore } from './sessions';

/**
 * Bearer JWT authentication. An expired token is counted (token_expired_total) and answered 401;
 * a token whose session was ended (logout, refresh-token reuse) is refused too.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('missing bearer token');
    const result = this.tokens.verify(match[1]);
    if (result.outcome === 'expired') {
      this.metrics.recordTokenExpired();
      throw new UnauthorizedException('access token expired');
    }
    if (result.outcome === 'invalid') throw new UnauthorizedException('invalid access token');
    const session = await this.sessions.get(result.claims.sid);
    if (!session || session.userId !== result.claims.sub) throw new UnauthorizedException('session ended');
    req.user = { id: result.claims.sub, sessionId: result.claims.sid };
    return true;
  }
}
