import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { METRICS } from '@infrastructure/metrics';
import { DEVICE_TYPES, REGISTRATION_SOURCES } from '../../../src/auth/auth-vocabulary';
import { ACCESS_TYPES } from '../../../src/common/vocabulary/access';
import { CONTENT_TYPES, REACTION_TYPES } from '../../../src/content/content-vocabulary';
import { PAYMENT_METHODS, PLAN_TYPES } from '../../../src/payments/payment-vocabulary';
import { PROFILE_TYPES } from '../../../src/profiles/profile-vocabulary';

const SRC = join(__dirname, '../../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers a file imports from (static imports and re-exports). */
function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
}

const fromMetrics = (spec: string) => spec.startsWith('@infrastructure/metrics') || /\/metrics\//.test(spec);

describe('the domain owns its vocabularies', () => {
  const files = sourceFiles(SRC);

  it('request validation (DTOs) and the vocabulary modules import nothing from the metrics module', () => {
    const contract = files.filter((f) => /\.dto\.ts$|vocabulary/.test(f));
    expect(contract.length).toBeGreaterThanOrEqual(10);
    const offending = contract.flatMap((f) =>
      importsOf(f)
        .filter(fromMetrics)
        .map((spec) => `${relative(SRC, f)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the catalogue bounds its labels with the domain vocabularies themselves', () => {
    expect(METRICS.paymentTransactions.labels.payment_method).toBe(PAYMENT_METHODS);
    expect(METRICS.subscriptionCreated.labels.plan_type).toBe(PLAN_TYPES);
    expect(METRICS.contentViews.labels.content_type).toBe(CONTENT_TYPES);
    expect(METRICS.contentViews.labels.access_type).toBe(ACCESS_TYPES);
    expect(METRICS.reactions.labels.reaction_type).toBe(REACTION_TYPES);
    expect(METRICS.profilesCreated.labels.profile_type).toBe(PROFILE_TYPES);
    expect(METRICS.deviceRegistrations.labels.device_type).toBe(DEVICE_TYPES);
    expect(METRICS.registrations.labels.source).toBe(REGISTRATION_SOURCES);
  });
});
