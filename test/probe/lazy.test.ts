// The CLI's first prompt must not pay for nodemailer: bundled the way scripts/build.mjs bundles,
// nothing the probe entry imports statically (directly or through shared chunks) holds nodemailer;
// it arrives only through a dynamic import.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, type Metafile } from 'esbuild';

function staticClosure(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return seen;
}

const holdsNodemailer = (metafile: Metafile, output: string) =>
  Object.keys(metafile.outputs[output]?.inputs ?? {}).some((input) => input.startsWith('node_modules/nodemailer/'));

test('nodemailer is loaded only through a dynamic import of the probe', async () => {
  const { metafile } = await build({
    entryPoints: { probe: 'src/probe/index.ts' },
    outdir: 'dist-lazy-check',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.17',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const entry = Object.keys(metafile.outputs).find((output) => output.endsWith('/probe.js'));
  assert.ok(entry);
  const eager = staticClosure(metafile, entry);
  assert.deepEqual(
    [...eager].filter((output) => holdsNodemailer(metafile, output)),
    [],
  );
  const lazy = Object.keys(metafile.outputs).filter((output) => !eager.has(output) && holdsNodemailer(metafile, output));
  assert.ok(lazy.length > 0, 'no lazily loaded chunk holds nodemailer');
});
