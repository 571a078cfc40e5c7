// Bundles the command into dist/, for bin/teaming-mail-setup.js to load:
//
// - dist/cli.cjs: the program (src/cli/bin.ts and everything it imports, with the libraries the
//   commands share: commander, Inquirer, zod, chalk, properties-file, nodemailer's SMTPConnection),
//   one CommonJS file. A module that is imported dynamically still runs only when first imported
//   (esbuild wraps it), so nodemailer, node:tls and the prompts cost nothing until a command needs them.
// - dist/cli.cjs.cache: V8's code cache of dist/cli.cjs with every function compiled, made here by
//   scripts/code-cache.cjs, so that a run of the same Node.js skips parsing and compiling (bin/ says more).
// - dist/vendor/*.cjs: the libraries only some runs need (luxon for the time-zone preview, the XML
//   parser for installer.xml, nodemailer's message composer for the test message and its HTTP
//   client for content given by URL (never, here), smtp-server and
//   selfsigned for the demo), each a file of its own that loads with require() when first used and
//   stays out of the program file and its cache.
//
// One CommonJS file rather than ES module chunks because V8's code cache, Node 20's only way to skip
// compiling, is open to scripts (node:vm), not to modules (vm.SourceTextModule needs a flag).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Package → file name under dist/vendor/. */
const VENDOR = {
  luxon: 'luxon',
  '@xmldom/xmldom': 'xmldom',
  'nodemailer/lib/mail-composer': 'mail-composer',
  'nodemailer/lib/fetch': 'nodemailer-fetch',
  'smtp-server': 'smtp-server',
  selfsigned: 'selfsigned',
};

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
 * every check. Its importers get a stand-in that loads the client (dist/vendor/) on first use.
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

/**
 * The program's imports of a vendor package, static or dynamic, get a stand-in that requires
 * ./vendor/NAME.cjs (beside dist/cli.cjs) when it first runs: a require(), not an import(), which
 * a script compiled by node:vm could not do without a loader of its own.
 */
const vendorFiles = {
  name: 'vendor-files',
  setup(build) {
    const names = Object.keys(VENDOR).map((name) => name.replace(/[/.]/g, '\\$&'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) =>
      args.namespace === 'lazy-fetch' || /[\\/]src[\\/]/.test(args.importer) ? { path: args.path, namespace: 'vendor-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'vendor-stub' }, (args) => ({
      contents: `module.exports = require('./vendor/${VENDOR[args.path]}.cjs');`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/vendor\//, namespace: 'vendor-stub' }, (args) => ({ path: args.path, external: true }));
  },
};

const shared = { bundle: true, format: 'cjs', platform: 'node', target: 'node20.17', minify: true, legalComments: 'linked', logLevel: 'warning' };

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  ...shared,
  entryPoints: { cli: 'src/cli/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  plugins: [lazyChildProcessForCommander, noColorDetectionForChalk, lazyFetchForNodemailer, vendorFiles],
});
// Each vendor file is the package as require() gets it (its CommonJS build, where it has one).
await build({
  ...shared,
  entryPoints: Object.entries(VENDOR).map(([name, file]) => ({ in: `vendor:${name}`, out: file })),
  outdir: 'dist/vendor',
  outExtension: { '.js': '.cjs' },
  plugins: [
    {
      name: 'vendor-entries',
      setup(build) {
        build.onResolve({ filter: /^vendor:/ }, (args) => ({ path: args.path.slice('vendor:'.length), namespace: 'vendor' }));
        build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
          contents: `module.exports = require(${JSON.stringify(args.path)});`,
          resolveDir: fileURLToPath(new URL('..', import.meta.url)),
          loader: 'js',
        }));
      },
    },
  ],
});
execFileSync(process.execPath, [fileURLToPath(new URL('code-cache.cjs', import.meta.url)), 'dist/cli.cjs'], { stdio: 'inherit' });
