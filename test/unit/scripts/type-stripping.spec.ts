import { existsSync, readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Every TypeScript program the project runs as `node file.ts` (docs/contributing.md, "Running TypeScript"). */
const ENTRY_POINTS = [
  'scripts/stack/cli.ts',
  'scripts/stack/notification-sinks.ts',
  'scripts/traffic/cli.ts',
  'scripts/security/replay.ts',
  'scripts/dashboards.ts',
  'scripts/prometheus-ha-config.ts',
  'scripts/docs/cli.ts',
  'scripts/render-alertmanager-config.ts',
  'bench/run.ts',
  'bench/memory-child.ts',
  'test/fixtures/exporters/capture.ts',
];

// Node 24's own type stripper: it refuses exactly what `node file.ts` refuses (enums, namespaces,
// parameter properties). Typed here because @types/node does not declare it yet.
const { stripTypeScriptTypes } = nodeModule as unknown as { stripTypeScriptTypes: (code: string) => string };

/** Relative module specifiers of a file: static imports, re-exports and dynamic imports of literals. */
function relativeImports(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/\b(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g),
    ...source.matchAll(/\b(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g),
  ];
  return specifiers.map((m) => m[1]);
}

/** Every .ts file the entry point loads through relative imports, with the problems found. */
function closure(entry: string): { files: string[]; problems: string[] } {
  const seen = new Set<string>();
  const problems: string[] = [];
  const queue = [resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const name = relative(ROOT, file);
    if (file.endsWith('.ts')) {
      try {
        stripTypeScriptTypes(source);
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    for (const spec of relativeImports(source)) {
      const target = resolve(dirname(file), spec);
      if (!/\.(?:ts|js|mjs|cjs|json)$/.test(spec))
        problems.push(`${name} imports '${spec}' without its extension`);
      else if (!existsSync(target)) problems.push(`${name} imports '${spec}', which does not exist`);
      else if (/\.[cm]?[jt]s$/.test(target)) queue.push(target);
    }
  }
  return { files: [...seen], problems };
}

describe('TypeScript scripts run as `node file.ts`', () => {
  it.each(ENTRY_POINTS)('%s and every file it imports: extensions written, erasable syntax only', (entry) => {
    const { files, problems } = closure(entry);
    expect(files.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('finds an import without extension and a non-erasable construct (the check can fail)', () => {
    expect(relativeImports(`import { a } from './a';\nexport * from "../b.ts";`)).toEqual(['./a', '../b.ts']);
    expect(() => stripTypeScriptTypes('class A { constructor(readonly a: string) {} }')).toThrow();
  });
});
