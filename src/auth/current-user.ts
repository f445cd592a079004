import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who made an authenticated request: set by JwtAuthGuard. */
export interface AuthenticatedUser {
  readonly id: string;
  readonly sessionId: string;
}

export type AuthenticatedRequest = Request & { user?: AuthenticatedUser };

/** The authenticated user of a route protected by JwtAuthGuard. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthenticatedUser => {
    const user = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user) throw new Error('CurrentUser used on a route without JwtAuthGuard');
    return user;
  },
);
