// `npm run prometheus:ha-config`: writes monitoring/prometheus/prometheus-ha.yml (docker-compose.ha.yml's
// replica config) from monitoring/prometheus/prometheus.yml. test/config/compose-files.spec.ts fails
// when the committed file is not what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_HA_CONFIG, composeHaConfig } from './stack/prometheus-ha-config.ts';

// Run from the repository root (npm run).
const root = process.cwd();
const source = readFileSync(join(root, 'monitoring/prometheus/prometheus.yml'), 'utf8');
writeFileSync(join(root, COMPOSE_HA_CONFIG), composeHaConfig(source));
console.log(`prometheus:ha-config: wrote ${COMPOSE_HA_CONFIG}`);
