// Bundles the command into dist/: a tiny executable (dist/cli.js, from src/bin.ts) that answers
// --version itself, the entry point and command line parser in a chunk, and heavy modules
// (nodemailer, the XML library, smtp-server for the demo) split into chunks that load only when a
// command needs them.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: [{ in: 'src/bin.ts', out: 'cli' }],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.17',
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    // Bundled CommonJS dependencies call require(); give them one.
    js: "#!/usr/bin/env node\nimport{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
  logLevel: 'warning',
});
