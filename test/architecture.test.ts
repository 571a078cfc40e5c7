/**
 * The folders are the layers: cli → demo → wizard → probe → settings → the loose leaf modules
 * (errors, output, version). The import rules between them are lint rules (biome.jsonc:
 * noRestrictedImports per folder, noImportCycles, noProcessExit outside src/cli/main.ts; run by
 * `npm run lint`). What a lint rule cannot say is checked here: every source file is in a layer.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';

const SRC = new URL('../src/', import.meta.url);
const LAYERS = ['cli', 'demo', 'wizard', 'probe', 'settings'];

const sources = (readdirSync(SRC, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => file.replaceAll('\\', '/'));

test("every source file is in a layer's folder, and src/ holds at most three loose files", () => {
  const outside = sources.filter((file) => file.includes('/') && !LAYERS.includes(file.slice(0, file.indexOf('/'))));
  assert.deepEqual(outside, []);
  const loose = sources.filter((file) => !file.includes('/'));
  assert.ok(loose.length <= 3, `loose files in src/: ${loose.join(', ')}`);
});
