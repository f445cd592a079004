import type { Migration } from './migration';

/** Accounts, catalogue and engagement. Ids are text so that a malformed id in a URL is a 404, never a cast error. */
export const schema: Migration = {
  id: '001-schema',
  statements: [
    `CREATE TABLE users (
       id text PRIMARY KEY,
       email text NOT NULL,
       password_hash text NOT NULL,
       display_name text,
       registration_source text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE UNIQUE INDEX users_email_lower ON users (lower(email))`,
    `CREATE TABLE subscriptions (
       id text PRIMARY KEY,
       user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       plan text NOT NULL CHECK (plan IN ('monthly', 'annual')),
       created_at timestamptz NOT NULL DEFAULT now(),
       expires_at timestamptz NOT NULL
     )`,
    `CREATE INDEX subscriptions_user_expiry ON subscriptions (user_id, expires_at)`,
    `CREATE TABLE contents (
       id text PRIMARY KEY,
       title text NOT NULL,
       type text NOT NULL CHECK (type IN ('movie', 'series', 'episode', 'live', 'documentary')),
       premium boolean NOT NULL,
       description text NOT NULL,
       duration_s integer,
       release_year integer
     )`,
    `CREATE TABLE content_views (
       id bigserial PRIMARY KEY,
       user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       content_id text NOT NULL REFERENCES contents (id),
       access_type text NOT NULL,
       viewed_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE reactions (
       user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       content_id text NOT NULL REFERENCES contents (id),
       type text NOT NULL CHECK (type IN ('like', 'dislike', 'love')),
       updated_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (user_id, content_id)
     )`,
    `CREATE TABLE favorites (
       user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       content_id text NOT NULL REFERENCES contents (id),
       created_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (user_id, content_id)
     )`,
    `CREATE TABLE profiles (
       id text PRIMARY KEY,
       user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       name text NOT NULL,
       type text NOT NULL CHECK (type IN ('adult', 'kids')),
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX profiles_user ON profiles (user_id)`,
    `CREATE TABLE devices (
       id text PRIMARY KEY,
       user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       type text NOT NULL,
       name text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE UNIQUE INDEX devices_user_type_name ON devices (user_id, type, lower(name))`,
    `CREATE TABLE payments (
       id text PRIMARY KEY,
       user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       amount_cents integer NOT NULL CHECK (amount_cents > 0),
       method text NOT NULL,
       status text NOT NULL CHECK (status IN ('success', 'failed')),
       decline_reason text,
       purpose text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
  ],
};
