import {
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { isUniqueViolation } from '@infrastructure/database';
import { MetricsService } from '@infrastructure/metrics';
import type { AccessType } from '../common/vocabulary/access';
import { ACCESS_TOKENS, LOGIN_LOCKOUT, SESSION_STORE } from './auth.tokens';
import type { AccessTokens } from './access-tokens';
import type { LoginDto } from './dto/login.dto';
import type { RegisterDto } from './dto/register.dto';
import type { LoginLockout } from './login-lockout';
import { PasswordHasher } from './password-hasher';
import type { SessionStore } from './sessions';
import { UsersRepository, type UserRecord } from './users.repository';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Access-token lifetime in seconds. */
  expiresIn: number;
}

export interface PublicUser {
  id: string;
  email: string;
  displayName: string | null;
  accessType: AccessType;
  createdAt: string;
}

/** Registration, login with lockout, refresh-token rotation and logout, each recording its metrics. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    @Inject(LOGIN_LOCKOUT) private readonly lockout: LoginLockout,
    private readonly metrics: MetricsService,
  ) {}

  async register(dto: RegisterDto): Promise<PublicUser> {
    if (await this.users.findByEmail(dto.email)) throw new ConflictException('email already registered');
    const source = dto.source ?? 'web';
    let user: UserRecord;
    try {
      user = await this.users.create(
        dto.email,
        await this.hasher.hash(dto.password),
        dto.displayName ?? null,
        source,
      );
    } catch (error) {
      // Two registrations of one email at once: the unique index decides.
      if (isUniqueViolation(error)) throw new ConflictException('email already registered');
      throw error;
    }
    this.metrics.recordRegistration(source);
    return toPublicUser(user, 'free');
  }

  async login(dto: LoginDto): Promise<TokenPair> {
    if (await this.lockout.isLocked(dto.email)) {
      this.failed('account_locked');
      throw new HttpException(
        'account temporarily locked after repeated failed logins',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const user = await this.users.findByEmail(dto.email);
    if (!user) await this.hasher.verifyNothing(dto.password);
    const valid = user !== undefined && (await this.hasher.verify(user.passwordHash, dto.password));
    if (!user || !valid) {
      this.failed(user ? 'invalid_credentials' : 'unknown_user');
      if (await this.lockout.recordFailure(dto.email)) this.metrics.recordRiskEvent('brute_force', 'blocked');
      // One answer for both, so the response does not reveal which emails have an account.
      throw new UnauthorizedException('invalid email or password');
    }
    await this.lockout.recordSuccess(dto.email);
    const { session, refreshToken } = await this.sessions.open(user.id);
    this.metrics.recordLogin('local', true);
    return this.pair(user.id, session.id, refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const result = await this.sessions.rotate(refreshToken);
    if (result.outcome === 'expired') {
      this.metrics.recordTokenExpired();
      throw new UnauthorizedException('refresh token expired');
    }
    if (result.outcome === 'revoked') throw new UnauthorizedException('refresh token invalid or revoked');
    this.metrics.recordTokenRefresh();
    return this.pair(result.session.userId, result.session.id, result.refreshToken);
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.end(sessionId);
  }

  async me(userId: string): Promise<PublicUser> {
    const user = await this.users.findById(userId);
    if (!user) throw new UnauthorizedException('account no longer exists');
    return toPublicUser(user, await this.users.accessType(userId));
  }

  private failed(reason: 'invalid_credentials' | 'unknown_user' | 'account_locked'): void {
    this.metrics.recordFailedLogin(reason);
    this.metrics.recordLogin('local', false);
  }

  private pair(userId: string, sessionId: string, refreshToken: string): TokenPair {
    return {
      accessToken: this.tokens.sign({ sub: userId, sid: sessionId }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlS,
    };
  }
}

function toPublicUser(user: UserRecord, accessType: AccessType): PublicUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    accessType,
    createdAt: user.createdAt.toISOString(),
  };
}
