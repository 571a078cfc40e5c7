/**
 * `npm run test:unit`: the pure core, the steps and the schemas, in one process (seconds, not the
 * full suite's minute): no subprocess, no pseudo-terminal, no network server. Every question's
 * test in test/wizard/questions/ (and each step's in test/wizard/steps/) joins by its folder; `npm test` runs these files too, each on its own.
 */
import { readdirSync } from 'node:fs';

const CORE = [
  'cli/invocation',
  'settings/schemas',
  'settings/settings',
  'wizard/prompts',
  'wizard/wizard',
  'settings/installer-properties',
  'settings/installer-xml',
  'probe/format',
  'wizard/teaming-java',
  'settings/time-zones',
  'architecture',
];

const byFolder = ['wizard/questions', 'wizard/steps'].flatMap((folder) =>
  readdirSync(new URL(`./${folder}/`, import.meta.url))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => `./${folder}/${name}`),
);
for (const name of [...CORE.map((core) => `./${core}.test.ts`), ...byFolder]) await import(name);
