// Bundles the command into dist/ for bin/teaming-mail-setup.js: dist/cli.js is the program
// (src/cli/bin.ts with the libraries it imports), and every dynamic import() becomes a chunk of its
// own beside it (dist/chunks/), loaded when first imported, so that a command loads only what it
// uses: the prompts, nodemailer and node:tls, luxon, the XML parser and the demo's server only
// when a run needs them.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/bin.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.17',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // Some of the bundled libraries are CommonJS and call require() for Node's built-in modules.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
});
