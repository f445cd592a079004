import type { Migration } from './migration';

/** The seeded catalogue: free and premium titles of every content type. */
const titles: ReadonlyArray<
  [id: string, title: string, type: string, premium: boolean, durationS: number | null, year: number]
> = [
  ['movie-big-buck-bunny', 'Big Buck Bunny', 'movie', false, 596, 2008],
  ['movie-sintel', 'Sintel', 'movie', true, 888, 2010],
  ['movie-tears-of-steel', 'Tears of Steel', 'movie', true, 734, 2012],
  ['series-city-lights', 'City Lights', 'series', false, null, 2021],
  ['series-deep-orbit', 'Deep Orbit', 'series', true, null, 2023],
  ['episode-city-lights-s01e01', 'City Lights S01E01 — Arrival', 'episode', false, 2640, 2021],
  ['episode-deep-orbit-s01e01', 'Deep Orbit S01E01 — Launch', 'episode', true, 3120, 2023],
  ['live-news-24', 'MyTelevision News 24', 'live', false, null, 2024],
  ['live-champions-final', 'Champions Final (live)', 'live', true, null, 2024],
  ['documentary-ocean-voices', 'Ocean Voices', 'documentary', false, 3300, 2019],
  ['documentary-inside-the-hive', 'Inside the Hive', 'documentary', true, 2900, 2022],
];

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

export const seedCatalogue: Migration = {
  id: '002-seed-catalogue',
  statements: titles.map(
    ([id, title, type, premium, durationS, year]) =>
      `INSERT INTO contents (id, title, type, premium, description, duration_s, release_year) VALUES (` +
      `${quote(id)}, ${quote(title)}, ${quote(type)}, ${premium}, ${quote(`${title}: a ${premium ? 'premium' : 'free'} ${type}.`)}, ` +
      `${durationS ?? 'NULL'}, ${year})`,
  ),
};
