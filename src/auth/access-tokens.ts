import { JwtService, TokenExpiredError } from '@nestjs/jwt';

export interface AccessClaims {
  /** user id */
  readonly sub: string;
  /** session id: logging out ends the session and so every access token issued for it */
  readonly sid: string;
}

export type VerifyResult =
  | { readonly outcome: 'valid'; readonly claims: AccessClaims }
  | { readonly outcome: 'expired' }
  | { readonly outcome: 'invalid' };

const ISSUER = 'mytelevision-api';

/** Short-lived signed access tokens (HS256 JWT). */
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    readonly ttlS: number,
  ) {}

  sign(claims: AccessClaims): string {
    return this.jwt.sign(
      { sub: claims.sub, sid: claims.sid },
      { expiresIn: this.ttlS, issuer: ISSUER, algorithm: 'HS256' },
    );
  }

  verify(token: string): VerifyResult {
    try {
      const payload = this.jwt.verify<Partial<AccessClaims> & { exp?: unknown }>(token, {
        issuer: ISSUER,
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return { outcome: 'invalid' };
      // jsonwebtoken checks `exp` only when present: a token without one would never expire.
      if (typeof payload.exp !== 'number') return { outcome: 'invalid' };
      return { outcome: 'valid', claims: { sub: payload.sub, sid: payload.sid } };
    } catch (error) {
      return error instanceof TokenExpiredError ? { outcome: 'expired' } : { outcome: 'invalid' };
    }
  }
}
