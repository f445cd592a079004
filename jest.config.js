// One runner for every test of the project; the projects split them by what they need.
// unit: pure code and the OTel SDK in process; needs nothing but `npm ci` (no binary) and runs in
// seconds. integration: the built API with its preload, PGlite and real PostgreSQL/Redis, prom2json
// and promtool.
// config: the monitoring configs checked by the tools that load them (promtool, amtool, otelcol).
// e2e: the whole native stack. ha: the HA profile (`up --ha`: replicas, Thanos, an Alertmanager
// cluster) under faults; its own project so the main suite's time bound excludes it.
const swc = ['@swc/jest', { swcrc: true }];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@infrastructure/(.*)$': '<rootDir>/src/infrastructure/$1' },
  testEnvironment: 'node',
};
const project = (name) => ({
  ...common,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.spec.ts`],
});

module.exports = {
  projects: [project('unit'), project('integration'), project('config'), project('e2e'), project('ha')],
  // A global option in Jest 30 (ignored per project): servers start in beforeAll hooks. Files that
  // need longer (end-to-end) set their own with jest.setTimeout.
  testTimeout: 120000,
  // Two files at a time on the 2-core machines this runs on: most of an end-to-end file is waiting
  // (for: durations, scrapes), so a second worker shortens the suite's wall time (511 s measured for
  // unit+integration+config+e2e with two). Every test stack takes spare ports.
  maxWorkers: 2,
};
