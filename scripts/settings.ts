import { platformSettings } from '@crm/kit/config.js';
import { loggingSettings } from '@crm/kit/logger.js';
import { PLATFORM_RETENTION, retentionSettings } from '@crm/kit/retention.js';
import { count, defineSettings, envExample, oneOf, text, type SettingsGroup } from '@crm/kit/settings.js';
import { gatewaySettings } from '../gateway/settings.js';
import { subgraphs } from './subgraphs.js';

/** What `npm start` itself reads. */
export const startSettings = defineSettings('start (npm start)', {
  EMBEDDED_PG_DIR: text('.data/postgres', 'where the embedded PostgreSQL keeps its data (without DATABASE_URL)'),
  EMBEDDED_PG_PORT: count(54329, 'its port'),
  START_TIMEOUT_MS: count(120_000, 'how long a service may take to become healthy'),
  START_FROM: oneOf(
    ['build', 'source'],
    'build',
    'build: compile (incrementally) and run the JavaScript production runs; source: run the TypeScript through a loader (no build, slower)',
  ),
});

/** Every settings group of the platform: what `npm start` checks before starting anything, and .env.example lists. */
export function allSettings(): SettingsGroup[] {
  const definitions = Object.values(subgraphs);
  return [
    loggingSettings,
    platformSettings,
    startSettings,
    gatewaySettings,
    ...definitions.flatMap((definition) => definition.settings ?? []),
    retentionSettings([...definitions.flatMap((definition) => definition.retention ?? []), ...PLATFORM_RETENTION]),
  ];
}

export const envExampleText = () => envExample(allSettings());
