import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const SELF = relative(ROOT, __filename);

/** Build outputs, installed modules, local data and VCS metadata: not the repository's own text. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'dist', 'coverage', '.data']);
const SKIPPED_FILES = new Set(['package-lock.json']);
const BINARY = /\.(png|jpe?g|gif|ico|gz|tgz|zip|pdf|woff2?)$/i;

/**
 * Wording that only makes sense to someone holding a document or a planning note the repository does
 * not contain. Say what is meant instead, or link the section of docs/ that explains it.
 */
// Written with escapes (\u00a7 is the section sign) so that `git grep` finds none of them here either.
const OUTSIDE_REFERENCES: ReadonlyArray<readonly [string, RegExp]> = [
  ['a numbered section of an outside specification', /\bSPEC \u00a7/],
  [
    'the original request by a nickname',
    /\bthe\x20seed\b|\bseed\x27s\b|\s\(seed\)|#\s*seed\b|\bseed (?:value|variable|names?|jobs?|methods?|signatures?|uids?)\b|\bSEED_/i,
  ],
  ['a planning note', /\bbrief\b/i],
  ['an issue of a tracker the repository does not hold, by its number', /\bissue #?\d+/i],
  ['an unnamed kind of machine', /\bof this (?:project's )?kind\b/i],
];

function repositoryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : repositoryFiles(path);
    if (!entry.isFile() || SKIPPED_FILES.has(entry.name) || BINARY.test(entry.name)) return [];
    return [path];
  });
}

describe('the repository is self-contained', () => {
  const files = repositoryFiles(ROOT)
    .map((file) => relative(ROOT, file))
    .filter((file) => file !== SELF);

  it('scans the sources, tests, scripts, configuration and docs', () => {
    for (const expected of ['README.md', 'docs/decisions.md', 'src/main.ts', 'scripts/test.sh'])
      expect(files).toContain(expected);
  });

  it.each(OUTSIDE_REFERENCES)('no file refers to %s', (_what, pattern) => {
    const hits: string[] = [];
    for (const file of files) {
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (pattern.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
