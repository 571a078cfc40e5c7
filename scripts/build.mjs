// Bundles the command into dist/: a tiny executable (dist/cli.js, from src/cli/bin.ts) that answers
// --version itself, the entry point and command line parser in a chunk, and heavy modules
// (nodemailer, the XML library, smtp-server for the demo) split into chunks that load only when a
// command needs them.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Commander requires node:child_process when it loads, only to run executable subcommands, which
 * this command has none of; loading it costs about 5% of a bare `node -e 0` on every run. Commander
 * gets a stand-in that loads the real module on first use.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'node:child_process', namespace: 'lazy' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

/**
 * Chalk detects at import how many colours stdout and stderr take (loading node:tty and node:os),
 * for its default instances. This command never uses those: output.ts and the probe's formatter
 * make their own with the level they decide (wantsColor). Chalk gets a stand-in that detects nothing.
 */
const noColorDetectionForChalk = {
  name: 'no-color-detection-for-chalk',
  setup(build) {
    build.onResolve({ filter: /^#supports-color$/ }, (args) =>
      /[\\/]node_modules[\\/]chalk[\\/]/.test(args.importer) ? { path: 'supports-color', namespace: 'no-detection' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-detection' }, () => ({
      contents: 'export default { stdout: false, stderr: false };',
      loader: 'js',
    }));
  },
};

/**
 * nodemailer's shared module imports its HTTP client (node:http, node:https, node:zlib), used only
 * for message content given by URL, which this command never sends; loading it was about 10 ms of
 * every check. Its importers get a stand-in that loads the client (bundled, as CommonJS) on first use.
 */
const lazyFetchForNodemailer = {
  name: 'lazy-fetch-for-nodemailer',
  setup(build) {
    build.onResolve({ filter: /[\\/]fetch[\\/]index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]nodemailer[\\/]dist[\\/]esm[\\/]/.test(args.importer) ? { path: 'nodemailer-fetch', namespace: 'lazy-fetch' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-fetch' }, () => ({
      contents: "export default function nmfetch(...args) { return require('nodemailer/lib/fetch')(...args); }",
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
      loader: 'js',
    }));
  },
};

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: [{ in: 'src/cli/bin.ts', out: 'cli' }],
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
  plugins: [lazyChildProcessForCommander, noColorDetectionForChalk, lazyFetchForNodemailer],
  logLevel: 'warning',
});
