// One runner for every test of the project; the projects split them by what they need.
// unit: pure code. integration: the built API with its preload, PGlite and real PostgreSQL/Redis.
// config: the monitoring configs checked by the tools that load them (promtool, amtool, otelcol).
// e2e: the whole native stack.
const swc = ['@swc/jest', { swcrc: true }];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@infrastructure/(.*)$': '<rootDir>/src/infrastructure/$1' },
  testEnvironment: 'node',
};
const project = (name, timeout) => ({
  ...common,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.spec.ts`],
  ...(timeout ? { testTimeout: timeout } : {}),
});

module.exports = {
  projects: [project('unit'), project('integration', 120000), project('config', 300000), project('e2e', 600000)],
};
