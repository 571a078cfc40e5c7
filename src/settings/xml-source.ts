/**
 * An XML document as its original text plus xmldom's DOM of it, for edits that keep every byte
 * they do not change.
 *
 * xmldom's XMLSerializer does not write a document back as it was read: it turns CRLF into LF,
 * puts attributes spread over several lines on one line, rewrites single-quoted values with
 * double quotes and may re-escape values. So the DOM is used only to parse and to locate (xmldom
 * gives each element and attribute its line and column); changes are spliced into the original
 * text at those positions, and everything else is kept as it was.
 */
import { DOMParser, type Attr, type Document, type Element, type Node } from '@xmldom/xmldom';
import { SettingsFileError } from '../errors.ts';
import { declaredEntities, ENTITIES_REFUSED, markupReference, type DeclaredEntities } from './xml-entities.ts';

type Encoding = 'utf8' | 'latin1' | 'ascii';

/** The encodings an installer.xml may declare; any other is refused rather than guessed. */
const ENCODINGS: Record<string, Encoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'iso-8859-1': 'latin1',
  'iso_8859-1': 'latin1',
  'iso8859-1': 'latin1',
  latin1: 'latin1',
  l1: 'latin1',
  'us-ascii': 'ascii',
  ascii: 'ascii',
};

/** The highest code point each encoding can hold; above it a value is written as a character reference. */
const HIGHEST: Record<Encoding, number> = { utf8: 0x10ffff, latin1: 0xff, ascii: 0x7f };

const UTF8_BOM = '\ufeff';

/**
 * The XML declaration's encoding pseudo-attribute (XML 1.0 §2.8 and §4.3.3). The declaration is
 * ASCII in every encoding this module accepts, so it is read before the bytes are decoded.
 */
const DECLARATION = /^<\?xml\s+version\s*=\s*(["'])[^"']*\1(?:\s+encoding\s*=\s*(["'])([^"']*)\2)?/;

/** What xmldom counts as a line break (its normalizeLineEndings), so its line numbers map onto the original text. */
const LINE_BREAK = /\r[\n\u0085]|[\r\n\u0085\u2028\u2029]/g;
const WHITESPACE = new Set([' ', '\t', '\r', '\n', '\u0085', '\u2028', '\u2029']);

export interface XmlSource {
  file: string;
  /** The decoded text without a byte-order mark; every offset below is into this text. */
  text: string;
  document: Document;
  /** The general entities its internal DOCTYPE subset declares (references to them stay unexpanded). */
  entities: DeclaredEntities;
  /** Turn the (edited) text back into bytes in the document's encoding, with its byte-order mark if it had one. */
  encode(text: string): Buffer;
  /** Can the document's encoding hold this code point as it is? */
  canHold(codePoint: number): boolean;
  /** The offset in `text` of a node xmldom located. */
  offsetOf(node: Node): number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(LINE_BREAK)) starts.push(match.index + match[0].length);
  return starts;
}

/** Line and column (1-based, in UTF-16 code units as xmldom counts them) of an offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const starts = lineStarts(text.slice(0, offset));
  return { line: starts.length, column: offset - starts.at(-1)! + 1 };
}

function decode(bytes: Buffer, file: string): { text: string; encoding: Encoding; bom: boolean } {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (!bom && bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) {
    throw new SettingsFileError(file, 'is UTF-16; save it as UTF-8 or ISO-8859-1, then run again', 1, 1);
  }
  const body = bom ? bytes.subarray(3) : bytes;
  const declaration = DECLARATION.exec(body.subarray(0, 512).toString('latin1'));
  const declared = declaration?.[3];
  const encoding = declared === undefined ? 'utf8' : ENCODINGS[declared.toLowerCase()];
  if (encoding === undefined || (bom && encoding !== 'utf8')) {
    const column = declaration![0].lastIndexOf(declared!) + 1;
    const detail = bom
      ? `declares encoding "${declared}" but starts with a UTF-8 byte-order mark`
      : `declares encoding "${declared}", which the wizard does not write`;
    throw new SettingsFileError(file, `${detail}: use UTF-8 or ISO-8859-1`, 1, column);
  }
  if (encoding === 'latin1') return { text: body.toString('latin1'), encoding, bom };
  const text = body.toString(encoding === 'ascii' ? 'latin1' : 'utf8');
  // The first character that does not come from valid bytes of the encoding.
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const invalid = encoding === 'ascii' ? code > 0x7f : code === 0xfffd && !isEncodedReplacement(body, text, index);
    if (invalid) {
      const { line, column } = positionOf(text, index);
      const name = encoding === 'ascii' ? 'US-ASCII' : 'UTF-8';
      throw new SettingsFileError(file, `is not valid ${name} here: save it as ${name} or declare its real encoding`, line, column);
    }
  }
  return { text, encoding, bom };
}

/** A U+FFFD in decoded UTF-8 is either the file's own character (bytes EF BF BD) or an invalid byte. */
function isEncodedReplacement(bytes: Buffer, text: string, index: number): boolean {
  const at = Buffer.byteLength(text.slice(0, index), 'utf8');
  return bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd;
}

/**
 * Parse a document. Anything xmldom reports, from a warning (an unquoted attribute value) to a
 * fatal error (an unclosed tag), makes the document unreadable: a SettingsFileError with the line
 * and column xmldom was at. The one exception is its warning about a U+FFFD in the text, which
 * decode() has already told apart from an encoding error.
 */
export function parseXml(bytes: Buffer, file: string): XmlSource {
  // Reading, looking up and rewriting one file parse the same bytes several times: once is enough.
  const cached = parsed.get(bytes);
  if (cached?.file === file) return cached;
  const source = parseXmlOnce(bytes, file);
  parsed.set(bytes, source);
  return source;
}

/** The parses of the bytes still in use (the DOM is never changed: edits are splices of the text). */
const parsed = new WeakMap<Buffer, XmlSource>();

/** The text of a document (its encoding and byte-order mark handled), without parsing it. */
export function decodeXml(bytes: Buffer, file: string): string {
  return decode(bytes, file).text;
}

/** Elements nested deeper than this are refused: Teaming's installer.xml nests about 6 deep. */
export const MAX_DEPTH = 256;

/**
 * The first element nested deeper than MAX_DEPTH, found in one pass before any parse: a document
 * nested a million deep would take the parser gigabytes. Comments, CDATA, processing instructions
 * and the DOCTYPE are skipped; a tag is matched with its quoted attribute values.
 */
function tooDeep(text: string): number | undefined {
  const tags =
    /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>|<(\/?)[^\s<>/!?]+(?:\s+[^\s=<>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(\/?)>/g;
  let depth = 0;
  for (const match of text.matchAll(tags)) {
    if (match[1] === undefined) continue;
    if (match[1] === '/') depth--;
    else if (match[2] !== '/' && ++depth > MAX_DEPTH) return match.index;
  }
  return undefined;
}

function parseXmlOnce(bytes: Buffer, file: string): XmlSource {
  const { text, encoding, bom } = decode(bytes, file);
  const deep = tooDeep(text);
  if (deep !== undefined) {
    const { line, column } = positionOf(text, deep);
    throw new SettingsFileError(
      file,
      `nests elements more than ${MAX_DEPTH} deep here; an installer.xml nests a few levels: check that this is the right file`,
      line,
      column,
    );
  }
  const { entities, bodyStart } = declaredEntities(text);
  type Locator = { lineNumber?: number; columnNumber?: number } | undefined;
  const problemAt = (message: string, locator: Locator) => {
    const endTag = mismatchedEndTag(text, message, locator);
    if (endTag) return new SettingsFileError(file, `is not well-formed XML: ${endTag.message}`, endTag.line, endTag.column);
    return new SettingsFileError(file, `is not well-formed XML: ${message}`, Math.max(locator?.lineNumber ?? 1, 1), locator?.columnNumber ?? 1);
  };
  // xmldom wraps what onError throws in its own ParseError, so the first problem is kept here.
  let problem: SettingsFileError | undefined;
  let document: Document;
  try {
    document = new DOMParser({
      locator: true,
      onError(level, message, handler) {
        if (level === 'warning' && message.startsWith('Unicode replacement character')) return;
        // A declared entity: Java expands it, xmldom keeps the reference as text (see xml-entities.ts).
        if (entities.has(/^entity not found:&([^;]+);$/.exec(message)?.[1] ?? '')) return;
        problem ??= problemAt(message, (handler as { locator?: Locator }).locator);
        throw problem;
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    throw problem ?? problemAt((error as Error).message, (error as { locator?: Locator }).locator);
  }
  if (problem) throw problem;
  const markup = markupReference(text, entities, bodyStart);
  if (markup) {
    const { line, column } = positionOf(text, markup.index);
    const detail = `&${markup.name}; may stand for elements (its declaration holds markup or names another file): write out what it stands for, then run again`;
    throw new SettingsFileError(file, `${ENTITIES_REFUSED}: ${detail}`, line, column);
  }

  const starts = lineStarts(text);
  return {
    file,
    text,
    document,
    entities,
    encode: (edited) => {
      const body = Buffer.from(edited, encoding === 'utf8' ? 'utf8' : 'latin1');
      return bom ? Buffer.concat([Buffer.from(UTF8_BOM, 'utf8'), body]) : body;
    },
    canHold: (codePoint) => codePoint <= HIGHEST[encoding],
    offsetOf: (node) => {
      const start = starts[(node.lineNumber ?? 1) - 1];
      if (start === undefined) throw new Error(`xmldom located ${node.nodeName} on line ${node.lineNumber}, past the end of the text`);
      return start + (node.columnNumber ?? 1) - 1;
    },
  };
}

/**
 * xmldom reports a mismatched end tag at the start tag it expected to close: the end tag itself
 * is the first `</name` after that position, so the message names both and points at the end tag.
 */
function mismatchedEndTag(text: string, message: string, locator: { lineNumber?: number; columnNumber?: number } | undefined) {
  const names = /^Opening and ending tag mismatch: "([^"]+)" != "([^"]+)"/.exec(message);
  if (!names || !locator?.lineNumber) return undefined;
  const [, open, close] = names;
  const starts = lineStarts(text);
  const from = (starts[locator.lineNumber - 1] ?? 0) + (locator.columnNumber ?? 1) - 1;
  const pattern = new RegExp(`</${close!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s>])`, 'g');
  pattern.lastIndex = from;
  const at = pattern.exec(text)?.index;
  if (at === undefined) return undefined;
  return { ...positionOf(text, at), message: `the end tag </${close}> does not match the start tag <${open}> on line ${locator.lineNumber}: ${message}` };
}

/** XML whitespace, plus the line breaks xmldom reads as such. */
export function isWhitespace(character: string | undefined): boolean {
  return character !== undefined && WHITESPACE.has(character);
}

function skipWhitespace(text: string, index: number): number {
  while (isWhitespace(text[index])) index++;
  return index;
}

/** Where an attribute's value is in the text: between its quotes. xmldom locates a quoted attribute at its opening quote. */
export interface ValueSpan {
  start: number;
  end: number;
  quote: '"' | "'";
}

export function attributeValueSpan(source: XmlSource, attribute: Attr): ValueSpan {
  const at = source.offsetOf(attribute);
  const quote = source.text[at];
  if (quote !== '"' && quote !== "'") throw new Error(`attribute ${attribute.name} is not where xmldom located it`);
  return { start: at + 1, end: source.text.indexOf(quote, at + 1), quote };
}

/** Where an attribute's name starts: before its `=` and the whitespace around it. */
export function attributeNameStart(source: XmlSource, attribute: Attr): number {
  const { text } = source;
  let index = source.offsetOf(attribute);
  while (isWhitespace(text[index - 1])) index--;
  if (text[index - 1] !== '=') throw new Error(`attribute ${attribute.name} has no "=" where expected`);
  index--;
  while (isWhitespace(text[index - 1])) index--;
  const start = index - attribute.name.length;
  if (text.slice(start, index) !== attribute.name) throw new Error(`attribute ${attribute.name} is not where xmldom located it`);
  return start;
}

/** Where an element's start tag ends: `at` is the index of its "/>" or ">"; `afterLast` follows its last attribute (or its name). */
export function startTagEnd(source: XmlSource, element: Element): { afterLast: number; at: number; selfClosing: boolean } {
  const attributes = Array.from(element.attributes);
  const last = attributes.at(-1);
  const afterLast = last ? attributeValueSpan(source, last).end + 1 : source.offsetOf(element) + 1 + element.nodeName.length;
  const at = skipWhitespace(source.text, afterLast);
  const selfClosing = source.text.startsWith('/>', at);
  if (!selfClosing && source.text[at] !== '>') throw new Error(`the start tag of ${element.nodeName} does not end where expected`);
  return { afterLast, at, selfClosing };
}

/**
 * Where the end tag of an element that is not self-closing starts. xmldom does not locate end
 * tags, so: the last "</Name" before the next node in document order (or the end of the text).
 * Only end tags of ancestors can lie between the two, and comments or CDATA inside the element
 * come before its own end tag.
 */
export function endTagStart(source: XmlSource, element: Element): number {
  let node: Node | null = element;
  while (node && !node.nextSibling) node = node.parentNode;
  const next = node?.nextSibling;
  const bound = next ? source.offsetOf(next) : source.text.length;
  const at = source.text.lastIndexOf(`</${element.nodeName}`, bound);
  if (at < startTagEnd(source, element).at) throw new Error(`the end tag of ${element.nodeName} was not found`);
  return at;
}

/** The whitespace that starts the line the offset is on. */
export function indentationAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && !'\r\n\u0085\u2028\u2029'.includes(text[start - 1]!)) start--;
  let end = start;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return text.slice(start, end);
}

/** Can a character appear in an XML 1.0 document at all (as itself or as a character reference)? */
function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

export class UnrepresentableCharacterError extends Error {
  constructor(readonly codePoint: number) {
    super(`U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} cannot be stored in an XML 1.0 document`);
  }
}

/**
 * An attribute value as it goes between `quote`s: markup characters as entities; tab, line breaks
 * and C1 controls as character references (a parser would turn them into spaces or line feeds);
 * characters the encoding cannot hold as character references. Throws
 * UnrepresentableCharacterError for what XML 1.0 cannot hold at all (NUL and most C0 controls).
 */
export function escapeAttributeValue(value: string, quote: '"' | "'", canHold: (codePoint: number) => boolean): string {
  let result = '';
  for (const character of value) {
    const codePoint = character.codePointAt(0)!;
    if (!isXmlChar(codePoint)) throw new UnrepresentableCharacterError(codePoint);
    if (character === '&') result += '&amp;';
    else if (character === '<') result += '&lt;';
    else if (character === '>') result += '&gt;';
    else if (character === quote) result += quote === '"' ? '&quot;' : '&apos;';
    else if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f) || codePoint === 0x2028 || codePoint === 0x2029 || !canHold(codePoint)) {
      result += `&#x${codePoint.toString(16).toUpperCase()};`;
    } else result += character;
  }
  return result;
}

/** One change to the text: replace [start, end) with `text` (start === end inserts). */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

export function applySplices(text: string, splices: Splice[]): string {
  const ordered = [...splices].sort((a, b) => a.start - b.start);
  let result = '';
  let position = 0;
  for (const splice of ordered) {
    if (splice.start < position) throw new Error('overlapping edits of the XML text');
    result += text.slice(position, splice.start) + splice.text;
    position = splice.end;
  }
  return result + text.slice(position);
}
