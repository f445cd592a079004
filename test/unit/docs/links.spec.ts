import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const DOCS = join(ROOT, 'docs');
const docFiles = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .map((f) => join(DOCS, f));

/** Anchors of a markdown file: GitHub's heading slugs and explicit `<a id="…">`. */
function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  for (const m of text.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(m[1]);
  return anchors;
}

/**
 * The docs are self-contained: every relative link and anchor resolves inside the repository (and
 * self-contained.spec.ts keeps every file free of references to outside documents).
 */
describe('docs/', () => {
  it('holds the maintainer documents', () => {
    expect(docFiles.map((f) => relative(DOCS, f)).sort()).toEqual(
      expect.arrayContaining([
        'alerts.md',
        'architecture.md',
        'contributing.md',
        'decisions.md',
        'metrics.md',
      ]),
    );
  });

  it.each(docFiles.map((f) => [relative(ROOT, f), f]))(
    '%s: every relative link and anchor resolves',
    (_name, file) => {
      const broken: string[] = [];
      for (const m of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target)) continue; // absolute URLs
        const [path, anchor] = target.split('#');
        const targetFile = path ? resolve(dirname(file), path) : file;
        if (!existsSync(targetFile)) broken.push(target);
        else if (anchor && targetFile.endsWith('.md') && !anchorsOf(targetFile).has(anchor))
          broken.push(target);
      }
      expect(broken).toEqual([]);
    },
  );
});
