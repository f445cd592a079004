import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@infrastructure/database';
import type { ContentType, ReactionType } from './content-vocabulary';

export interface Content {
  id: string;
  title: string;
  type: ContentType;
  premium: boolean;
  accessType: 'free' | 'premium';
  description: string;
  durationSeconds: number | null;
  releaseYear: number | null;
}

interface ContentRow {
  id: string;
  title: string;
  type: ContentType;
  premium: boolean;
  description: string;
  duration_s: number | null;
  release_year: number | null;
}

const COLUMNS = 'id, title, type, premium, description, duration_s, release_year';
const toContent = (r: ContentRow): Content => ({
  id: r.id,
  title: r.title,
  type: r.type,
  premium: r.premium,
  accessType: r.premium ? 'premium' : 'free',
  description: r.description,
  durationSeconds: r.duration_s,
  releaseYear: r.release_year,
});

/** The catalogue and what users do with its titles (views, reactions, favourites). */
@Injectable()
export class ContentRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(type?: ContentType): Promise<Content[]> {
    const { rows } = type
      ? await this.db.query<ContentRow>(`SELECT ${COLUMNS} FROM contents WHERE type = $1 ORDER BY id`, [type])
      : await this.db.query<ContentRow>(`SELECT ${COLUMNS} FROM contents ORDER BY id`);
    return rows.map(toContent);
  }

  async find(id: string): Promise<Content | undefined> {
    const { rows } = await this.db.query<ContentRow>(`SELECT ${COLUMNS} FROM contents WHERE id = $1`, [id]);
    return rows[0] ? toContent(rows[0]) : undefined;
  }

  async addView(userId: string, contentId: string, accessType: string): Promise<void> {
    await this.db.query('INSERT INTO content_views (user_id, content_id, access_type) VALUES ($1, $2, $3)', [
      userId,
      contentId,
      accessType,
    ]);
  }

  /** Sets the user's reaction to a title; true when it changed (new, or another type). */
  async react(userId: string, contentId: string, type: ReactionType): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO reactions (user_id, content_id, type) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, content_id) DO UPDATE SET type = EXCLUDED.type, updated_at = now()
       WHERE reactions.type IS DISTINCT FROM EXCLUDED.type`,
      [userId, contentId, type],
    );
    return rowCount > 0;
  }

  /** true when the title was not a favourite before. */
  async addFavorite(userId: string, contentId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'INSERT INTO favorites (user_id, content_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [userId, contentId],
    );
    return rowCount > 0;
  }

  /** true when the title was a favourite. */
  async removeFavorite(userId: string, contentId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM favorites WHERE user_id = $1 AND content_id = $2', [
      userId,
      contentId,
    ]);
    return rowCount > 0;
  }
}
