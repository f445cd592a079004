import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DATABASE, type Database } from '@infrastructure/database';
import { MetricsService } from '@infrastructure/metrics';
import type { ProfileType } from './profile-vocabulary';
import { SESSION_STORE } from '../auth/auth.tokens';
import type { SessionStore } from '../auth/sessions';

export interface Profile {
  id: string;
  name: string;
  type: ProfileType;
  createdAt: string;
}

/** An account holds at most this many viewer profiles. */
export const MAX_PROFILES_PER_ACCOUNT = 5;

/** Viewer profiles of an account; the active one is kept in the session. */
@Injectable()
export class ProfilesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    private readonly metrics: MetricsService,
  ) {}

  async create(userId: string, name: string, type: ProfileType): Promise<Profile> {
    const profile = await this.db.transaction(async (tx) => {
      // Serialise the cap check per account (row lock on the user).
      await tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
      const { rows: count } = await tx.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM profiles WHERE user_id = $1',
        [userId],
      );
      if (Number(count[0].n) >= MAX_PROFILES_PER_ACCOUNT) {
        throw new ConflictException(`an account has at most ${MAX_PROFILES_PER_ACCOUNT} profiles`);
      }
      const { rows } = await tx.query<{
        id: string;
        name: string;
        type: ProfileType;
        created_at: Date | string;
      }>(
        'INSERT INTO profiles (id, user_id, name, type) VALUES ($1, $2, $3, $4) RETURNING id, name, type, created_at',
        [randomUUID(), userId, name.trim(), type],
      );
      return rows[0];
    });
    this.metrics.recordProfileCreated(type);
    return {
      id: profile.id,
      name: profile.name,
      type: profile.type,
      createdAt: new Date(profile.created_at).toISOString(),
    };
  }

  async switchTo(userId: string, sessionId: string, profileId: string): Promise<void> {
    const { rows } = await this.db.query('SELECT 1 FROM profiles WHERE id = $1 AND user_id = $2', [
      profileId,
      userId,
    ]);
    if (rows.length === 0) throw new NotFoundException(`profile ${profileId} not found`);
    const session = await this.sessions.get(sessionId);
    if (!session) throw new NotFoundException('session ended');
    await this.sessions.update({ ...session, activeProfileId: profileId });
    this.metrics.recordProfileSwitch();
  }
}
