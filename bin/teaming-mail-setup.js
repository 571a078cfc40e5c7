#!/usr/bin/env node
// The executable that package.json's "bin" names (CommonJS: bin/package.json says so). The program
// is dist/cli.cjs, which `npm run build` makes from src/ (scripts/build.mjs), with V8's code cache
// of it beside it (dist/cli.cjs.cache): compiled here with that cache, the program starts without
// parsing or compiling its code, about a third of a run of `check`.
//
// Written here rather than taken from a library: Node 22 has module.enableCompileCache() but
// Node 20 has nothing of the kind, and v8-compile-cache writes its caches at run time into the
// shared temporary folder, where another user of the machine could leave a cache of their own for
// root's next run (a code cache is code). This cache is made only by the build and sits beside the
// code it was made from, with the same owner. V8 checks it against its own version, flags and the
// source, and compiles from the source when it does not fit (another Node.js, say), as if it
// were not there. NODE_DEBUG=teaming-mail-setup tells which happened.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { debuglog } = require('node:util');
const { Script } = require('node:vm');

const file = join(__dirname, '..', 'dist', 'cli.cjs');
let source;
try {
  source = readFileSync(file, 'utf8');
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
  console.error('teaming-mail-setup is not built yet: run `npm run build` in its folder (npm start builds and runs it)');
  process.exitCode = 1;
  return;
}
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  // no cache: compiled from the source
}
// As scripts/code-cache.cjs wraps it, so that the cache fits.
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new Script(wrapped, { filename: file, cachedData });
debuglog('teaming-mail-setup')(`code cache ${cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used'}`);
const programModule = { exports: {} };
script.runInThisContext().call(programModule.exports, programModule.exports, createRequire(file), programModule, file, dirname(file));
