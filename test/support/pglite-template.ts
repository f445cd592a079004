import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// Read from disk: the package's exports map does not export its package.json.
const PGLITE_PACKAGE = join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');

/**
 * A fresh PGlite data directory for one API, copied from a cluster created once per PGlite version
 * (initdb takes about 4 s here; a copy, a few tens of ms). The template lives in the OS temporary
 * directory; concurrent test workers build it in private directories and the first rename wins.
 * The API applies its migrations to the copy as it would to any existing database.
 */
export function freshPgliteDataDir(): string {
  const template = pgliteTemplate();
  const copy = mkdtempSync(join(tmpdir(), 'mtv-pglite-'));
  cpSync(template, copy, { recursive: true });
  return copy;
}

/** Removes a directory made by freshPgliteDataDir (after its API stopped). */
export function removePgliteDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function pgliteTemplate(): string {
  const version = (JSON.parse(readFileSync(PGLITE_PACKAGE, 'utf8')) as { version: string }).version;
  const template = join(tmpdir(), `mtv-pglite-template-${version}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const building = mkdtempSync(join(tmpdir(), 'mtv-pglite-template-building-'));
  const script =
    "require('@electric-sql/pglite').PGlite.create({ dataDir: process.argv[1] }).then((db) => db.close())";
  // A child process: jest's module sandbox cannot load PGlite's WebAssembly build.
  execFileSync(process.execPath, ['-e', script, building], { cwd: ROOT, stdio: 'pipe' });
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another worker's template won
  }
  return template;
}
