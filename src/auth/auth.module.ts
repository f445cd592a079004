import { Module, type OnModuleInit } from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { CACHE_STORE, type CacheStore } from '@infrastructure/cache';
import { MetricsService } from '@infrastructure/metrics';
import { APP_CONFIG, type AppConfig } from '../config';
import { AccessTokens } from './access-tokens';
import { AccountStateSource } from './account-state.source';
import { AuthController, MeController } from './auth.controller';
import { AuthService } from './auth.service';
import { ACCESS_TOKENS, LOGIN_LOCKOUT, SESSION_STORE } from './auth.tokens';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LoginLockout } from './login-lockout';
import { PasswordHasher } from './password-hasher';
import { SessionStore } from './sessions';
import { UsersRepository } from './users.repository';

/**
 * Accounts, sessions and devices. Exports JwtAuthGuard (with what it needs) and UsersRepository to
 * the modules whose routes require a signed-in user.
 */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.jwt.secret }),
    }),
  ],
  controllers: [AuthController, MeController, DevicesController],
  providers: [
    AuthService,
    DevicesService,
    PasswordHasher,
    UsersRepository,
    AccountStateSource,
    JwtAuthGuard,
    {
      provide: SESSION_STORE,
      inject: [CACHE_STORE, APP_CONFIG],
      useFactory: (store: CacheStore, config: AppConfig) =>
        new SessionStore(store, config.jwt.refreshTokenTtlS * 1000),
    },
    {
      provide: ACCESS_TOKENS,
      inject: [JwtService, APP_CONFIG],
      useFactory: (jwt: JwtService, config: AppConfig) => new AccessTokens(jwt, config.jwt.accessTokenTtlS),
    },
    {
      provide: LOGIN_LOCKOUT,
      inject: [CACHE_STORE, APP_CONFIG],
      useFactory: (store: CacheStore, config: AppConfig) => new LoginLockout(store, config.login),
    },
  ],
  exports: [JwtAuthGuard, SESSION_STORE, ACCESS_TOKENS, UsersRepository],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly state: AccountStateSource,
  ) {}

  onModuleInit(): void {
    this.metrics.observeState(this.state);
  }
}
