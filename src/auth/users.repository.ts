import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DATABASE, type Database } from '@infrastructure/database';
import type { AccessType } from '../common/vocabulary/access';
import type { RegistrationSource } from './auth-vocabulary';

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly displayName: string | null;
  readonly createdAt: Date;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  display_name: string | null;
  created_at: Date | string;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  displayName: r.display_name,
  createdAt: new Date(r.created_at),
});

/** Users and their access type (premium = an unexpired subscription), read from the database. */
@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Throws the database's unique violation when the email (case-insensitive) exists. */
  async create(
    email: string,
    passwordHash: string,
    displayName: string | null,
    source: RegistrationSource,
  ): Promise<UserRecord> {
    const { rows } = await this.db.query<UserRow>(
      `INSERT INTO users (id, email, password_hash, display_name, registration_source)
       VALUES ($1, $2, $3, $4, $5) RETURNING id, email, password_hash, display_name, created_at`,
      [randomUUID(), email.trim(), passwordHash, displayName, source],
    );
    return toUser(rows[0]);
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const { rows } = await this.db.query<UserRow>(
      'SELECT id, email, password_hash, display_name, created_at FROM users WHERE lower(email) = lower($1)',
      [email.trim()],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.db.query<UserRow>(
      'SELECT id, email, password_hash, display_name, created_at FROM users WHERE id = $1',
      [id],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async accessType(userId: string): Promise<AccessType> {
    const { rows } = await this.db.query<{ premium: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM subscriptions WHERE user_id = $1 AND expires_at > now()) AS premium',
      [userId],
    );
    return rows[0]?.premium ? 'premium' : 'free';
  }

  /** Of `userIds`, how many are premium and how many free. */
  async countByAccessType(userIds: readonly string[]): Promise<Record<AccessType, number>> {
    if (userIds.length === 0) return { free: 0, premium: 0 };
    const { rows } = await this.db.query<{ premium: number | string }>(
      `SELECT count(DISTINCT s.user_id) AS premium FROM subscriptions s
       WHERE s.user_id = ANY($1::text[]) AND s.expires_at > now()`,
      [userIds],
    );
    const premium = Number(rows[0]?.premium ?? 0);
    return { free: userIds.length - premium, premium };
  }

  async countPremiumSubscribers(): Promise<number> {
    const { rows } = await this.db.query<{ n: number | string }>(
      'SELECT count(DISTINCT user_id) AS n FROM subscriptions WHERE expires_at > now()',
    );
    return Number(rows[0]?.n ?? 0);
  }
}
