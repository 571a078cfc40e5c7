/**
 * `npm run test:unit`: the pure core, the steps and the schemas, in one process (seconds, not the
 * full suite's minute): no subprocess, no pseudo-terminal, no network server. Every
 * test/step-*.test.ts joins by its name; `npm test` runs these files too, each on its own.
 */
import { readdirSync } from 'node:fs';

const CORE = [
  'invocation',
  'schemas',
  'settings',
  'prompts',
  'wizard',
  'installer-properties',
  'installer-xml',
  'probe-format',
  'teaming-java',
  'time-zones',
];

const steps = readdirSync(new URL('.', import.meta.url)).filter((name) => /^step-.*\.test\.ts$/.test(name));
for (const name of [...CORE.map((core) => `${core}.test.ts`), ...steps.sort()]) await import(`./${name}`);
