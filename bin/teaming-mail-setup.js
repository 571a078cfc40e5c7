#!/usr/bin/env node
// The executable that package.json's "bin" names. The program itself is the bundle that
// `npm run build` writes to dist/ (src/cli/bin.ts and the chunks it loads).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  console.error('teaming-mail-setup is not built yet: run `npm run build` in its folder (npm start builds and runs it)');
  process.exitCode = 1;
}
