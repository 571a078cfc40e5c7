#!/usr/bin/env node
// The executable that package.json's "bin" names. The program is dist/cli.js, which `npm run build`
// makes from src/ (scripts/build.mjs).
const program = new URL('../dist/cli.js', import.meta.url);
try {
  await import(program.href);
} catch (error) {
  const notBuilt = error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes(program.pathname);
  if (!notBuilt) throw error;
  console.error('teaming-mail-setup is not built yet: run `npm run build` in its folder (npm start builds and runs it)');
  process.exitCode = 1;
}
