/**
 * The folders are the layers: cli → demo → wizard → probe → settings → the loose leaf modules
 * (errors, output, version). Every import (static, dynamic or type-only) goes downwards, the
 * graph has no circle, and only the entry point ends the process.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const LAYERS = ['cli', 'demo', 'wizard', 'probe', 'settings', 'leaf'] as const;
type Layer = (typeof LAYERS)[number];

const sources = (readdirSync(SRC, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => file.replaceAll('\\', '/'));

function layerOf(file: string): Layer {
  const folder = file.includes('/') ? file.slice(0, file.indexOf('/')) : 'leaf';
  assert.ok((LAYERS as readonly string[]).includes(folder), `src/${file} is in no layer's folder`);
  return folder as Layer;
}

/** Every relative module a file names: `import … from`, `export … from`, `import(…)`. */
function importsOf(file: string): string[] {
  // Comments may show an import as an example; only code counts.
  const text = readFileSync(join(SRC, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map((match) => match[1]!);
  return specifiers
    .map((specifier) => relative(SRC, resolve(dirname(join(SRC, file)), specifier)).replaceAll('\\', '/'))
    .filter((target) => target.endsWith('.ts'));
}

const graph = new Map(sources.map((file) => [file, importsOf(file)]));

test('every import goes to the same layer or one below it', () => {
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      assert.ok(graph.has(target), `src/${file} imports src/${target}, which does not exist`);
      if (LAYERS.indexOf(layerOf(target)) < LAYERS.indexOf(layerOf(file))) upward.push(`src/${file} → src/${target}`);
    }
  }
  assert.deepEqual(upward, []);
});

test('the import graph has no circle', () => {
  const circles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(circles, []);
});

test('only the entry point ends the process, and src/ holds at most three loose files', () => {
  const exits = sources.filter((file) => /\bprocess\.exit\b/.test(readFileSync(join(SRC, file), 'utf8')));
  assert.deepEqual(exits, ['cli/main.ts']);
  const loose = sources.filter((file) => !file.includes('/'));
  assert.ok(loose.length <= 3, `loose files in src/: ${loose.join(', ')}`);
});
