// node scripts/code-cache.cjs dist/cli.cjs: writes dist/cli.cjs.cache, V8's code cache of the
// program with every function compiled (run by scripts/build.mjs, in a process of its own because
// it changes a V8 flag). bin/teaming-mail-setup.js hands the cache to V8 when it compiles the same
// file the same way (a vm.Script of the file in the same function wrapper); V8 takes it only from
// the same V8 version and flags and a source of the same length, and compiles from the source
// otherwise, so the build writes both files each time.
//
// Every function, not just the top level: compiling is what the cache saves, and what a run
// compiles depends on the command, so the build compiles all (`--no-lazy`), then turns the flag
// back so that the cache carries the flags of a plain `node` run.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

/** Exactly as bin/teaming-mail-setup.js wraps it. */
const wrap = (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

const file = process.argv[2];
setFlagsFromString('--no-lazy');
const program = new Script(wrap(readFileSync(file, 'utf8')), { filename: file });
// The cache records the flags it was made under: made after this, it fits a plain run.
setFlagsFromString('--lazy');
writeFileSync(`${file}.cache.tmp`, program.createCachedData());
renameSync(`${file}.cache.tmp`, `${file}.cache`);
