import { Inject, Injectable } from '@nestjs/common';
import type { StateGaugeSource } from '@infrastructure/metrics';
import type { AccessType } from '../common/vocabulary/access';
import { SESSION_STORE } from './auth.tokens';
import type { SessionStore } from './sessions';
import { UsersRepository } from './users.repository';

/**
 * The state gauges read from their sources of truth at collection time: open sessions from the
 * session store, their users split free/premium and the premium subscribers from the database.
 */
@Injectable()
export class AccountStateSource implements StateGaugeSource {
  constructor(
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    private readonly users: UsersRepository,
  ) {}

  async activeSessions(): Promise<number> {
    return (await this.sessions.active()).sessions;
  }

  async activeUsers(): Promise<Readonly<Record<AccessType, number>>> {
    const { userIds } = await this.sessions.active();
    return this.users.countByAccessType(userIds);
  }

  premiumSubscribers(): Promise<number> {
    return this.users.countPremiumSubscribers();
  }
}
