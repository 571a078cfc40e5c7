/** fast-check generators shared by the property tests. */
import fc from 'fast-check';

/** Pieces that have a meaning somewhere: separators, comment marks, escapes, line breaks, odd code units. */
export const TRICKY_PIECES = [
  '=',
  ':',
  '#',
  '!',
  '\\',
  ' ',
  '  ',
  '\t',
  '\f',
  '\n',
  '\r',
  '\r\n',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u00e9',
  '\u00ff',
  '\u2028',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  '\\u0041',
  'u00e9',
  '\\n',
  '[',
  ']',
  '.',
  '/',
  '+',
];

/** Any string, weighted towards the pieces above: full Unicode, astral, lone surrogates and control characters. */
export function trickyText(maxPieces = 30): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fc.constantFrom(...TRICKY_PIECES), fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: 'grapheme-ascii', maxLength: 6 })), {
      maxLength: maxPieces,
    })
    .map((pieces) => pieces.join(''));
}

/** The seed of a sampled (not shrunk) run: FC_SEED to replay one. */
export function seed(): number {
  return Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
}
