/**
 * installer.xml ⇄ settings: the EmailSettings/Outbound section of Teaming's installer configuration.
 *
 * ```xml
 * <InstallerConfig>
 *   <EmailSettings>
 *     <Outbound defaultTZ="America/New_York" allowSendToAllUsers="true">
 *       <Resource mail.transport.protocol="smtp" mail.smtp.host="…" … />
 * ```
 *
 * The managed keys are those of installer.properties (managedKeys): the time zone and the All
 * Users switch are attributes of Outbound, every JavaMail key an attribute of its Resource. Only
 * the chosen protocol's attributes change; the other protocol's stay as they are.
 *
 * Teaming's own installer.xml carries every attribute of both protocols, empty when unused. So:
 * - reading, an empty attribute counts as absent (as a missing key does in installer.properties);
 * - writing, a value the properties file would remove (the user name and password without
 *   authentication, an empty password) empties the attribute but keeps it; a new Resource element
 *   gets those attributes empty, as Teaming writes them.
 *
 * Every byte outside the changed attribute values and inserted elements stays as it was (see
 * xml-source.ts): the XML declaration, comments, other sections, quoting, line endings, indentation.
 */
import type { Element } from '@xmldom/xmldom';
import { SettingsFileError } from '../errors.ts';
import { ALL_USERS_KEY, managedKeys, PROTOCOL_KEY, readManagedSettings, TIME_ZONE_KEY, type SettingsFormat, type StoredValue } from './managed-settings.ts';
import { ENTITIES_REFUSED, entityReferences } from './xml-entities.ts';
import type { MailSettings, Protocol } from './settings.ts';
import {
  applySplices,
  attributeNameStart,
  attributeValueSpan,
  endTagStart,
  escapeAttributeValue,
  indentationAt,
  isWhitespace,
  parseXml,
  startTagEnd,
  UnrepresentableCharacterError,
  type Splice,
  type XmlSource,
} from './xml-source.ts';

/**
 * The root element of a new installer.xml. Teaming's installer reads the sections below whatever
 * the root is (getDocumentElement(), then the first EmailSettings, Outbound and Resource below
 * it); the roots known from real files are these. A document without EmailSettings is taken for
 * an installer.xml only when its root is one of them.
 */
const ROOT_ELEMENT = 'InstallerConfig';
const INSTALLER_ROOTS: readonly string[] = ['Installer', 'InstallerConfig'];

type Section = 'Outbound' | 'Resource';

/** Where a managed key is stored: an attribute of Outbound or of its Resource. */
function attributeFor(key: string): { element: Section; name: string } {
  if (key === TIME_ZONE_KEY) return { element: 'Outbound', name: 'defaultTZ' };
  if (key === ALL_USERS_KEY) return { element: 'Outbound', name: 'allowSendToAllUsers' };
  return { element: 'Resource', name: key };
}

/** The attributes the wizard reads or writes, of either protocol. */
function isManagedAttribute(name: string): boolean {
  return name === 'defaultTZ' || name === 'allowSendToAllUsers' || name === PROTOCOL_KEY || /^mail\.smtps?\./.test(name);
}

/** A new file: an installer configuration with only the e-mail section, which write() adds. */
const NEW_DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>\n<${ROOT_ELEMENT}>\n</${ROOT_ELEMENT}>\n`;

const DEFAULT_INDENT_UNIT = '  ';

/** The first element of that name below `parent` in document order, as Teaming's getElementsByTagName(name).item(0). */
function firstDescendant(parent: Element | undefined, name: string): Element | undefined {
  return (parent?.getElementsByTagName(name)[0] as Element | undefined) ?? undefined;
}

function firstChildElement(parent: Element): Element | undefined {
  for (let node = parent.firstChild; node; node = node.nextSibling) if (node.nodeType === node.ELEMENT_NODE) return node as Element;
  return undefined;
}

interface InstallerDocument {
  source: XmlSource;
  root: Element;
  emailSettings?: Element;
  outbound?: Element;
  resource?: Element;
}

/** Parse and find EmailSettings/Outbound/Resource (each the first descendant of its name, as Teaming finds them). */
function locate(bytes: Buffer, file: string): InstallerDocument {
  const source = parseXml(bytes, file);
  const root = source.document.documentElement!;
  const emailSettings = firstDescendant(root, 'EmailSettings');
  if (!emailSettings && !INSTALLER_ROOTS.includes(root.nodeName)) {
    throw new SettingsFileError(
      file,
      `the root element is <${root.nodeName}> and the document holds no <EmailSettings>: this is not a Teaming installer.xml, whose root is ${INSTALLER_ROOTS.map((name) => `<${name}>`).join(' or ')} (check the path given with --file)`,
      root.lineNumber,
      root.columnNumber,
    );
  }
  const outbound = firstDescendant(emailSettings, 'Outbound');
  const resource = firstDescendant(outbound, 'Resource');
  refuseManagedEntities(source, [outbound, resource], isManagedAttribute);
  return { source, root, emailSettings, outbound, resource };
}

/** The JDK that installer.xml names for Teaming (Environment/JDK/@JAVA_HOME), if any. */
export function javaHomeOf(bytes: Buffer, file: string): string | undefined {
  const root = parseXml(bytes, file).document.documentElement!;
  const value = firstDescendant(firstDescendant(root, 'Environment'), 'JDK')?.getAttribute('JAVA_HOME');
  return value ? value : undefined;
}

/** Each managed key's attribute value; an empty attribute counts as absent. */
function lookup(bytes: Buffer, file: string): (key: string) => StoredValue | undefined {
  const { outbound, resource } = locate(bytes, file);
  const elements: Record<Section, Element | undefined> = { Outbound: outbound, Resource: resource };
  return (key) => {
    const { element, name } = attributeFor(key);
    const attribute = elements[element]?.getAttributeNode(name);
    if (!attribute || attribute.value === '') return undefined;
    return { value: attribute.value, name: `<${element}> attribute ${name}`, line: attribute.lineNumber ?? 1, column: attribute.columnNumber };
  };
}

function read(bytes: Buffer, file: string, as?: Protocol) {
  return readManagedSettings(lookup(bytes, file), file, 'fix the value or empty it, then run again', as);
}

/** Each attribute of the two elements with its new value: '' to empty it, null to leave it. */
type AttributePlan = [name: string, value: string | null][];

function attributePlans(settings: MailSettings): Record<Section, AttributePlan> {
  const plans: Record<Section, AttributePlan> = { Outbound: [], Resource: [] };
  for (const [key, value] of managedKeys(settings)) {
    const { element, name } = attributeFor(key);
    plans[element].push([name, value === undefined ? '' : value]);
  }
  return plans;
}

/** Line ending and indentation as the document already has them. */
interface Layout {
  eol: string;
  unit: string;
}

/** The indentation of what starts at `offset` if it starts its line; undefined when something precedes it on the line. */
function ownLineIndentation(source: XmlSource, offset: number): string | undefined {
  const indentation = indentationAt(source.text, offset);
  const lineStart = offset - indentation.length;
  return lineStart === 0 || '\r\n\u0085\u2028\u2029'.includes(source.text[lineStart - 1]!) ? indentation : undefined;
}

function layoutOf(source: XmlSource, root: Element): Layout {
  const eol = /\r\n|\n|\r/.exec(source.text)?.[0] ?? '\n';
  const first = firstChildElement(root);
  const rootIndentation = ownLineIndentation(source, source.offsetOf(root)) ?? '';
  const childIndentation = first && ownLineIndentation(source, source.offsetOf(first));
  const unit =
    childIndentation !== undefined && childIndentation.length > rootIndentation.length && childIndentation.startsWith(rootIndentation)
      ? childIndentation.slice(rootIndentation.length)
      : DEFAULT_INDENT_UNIT;
  return { eol, unit };
}

class Writer {
  readonly splices: Splice[] = [];
  private readonly layout: Layout;

  constructor(
    private readonly source: XmlSource,
    root: Element,
  ) {
    this.layout = layoutOf(source, root);
  }

  private escape(name: string, value: string, quote: '"' | "'"): string {
    try {
      return escapeAttributeValue(value, quote, this.source.canHold);
    } catch (error) {
      if (!(error instanceof UnrepresentableCharacterError)) throw error;
      throw new SettingsFileError(this.source.file, `${name}: the value holds ${error.message}: choose one without control characters`);
    }
  }

  private attributesText(plan: AttributePlan, separator: string): string {
    return plan.flatMap(([name, value]) => (value === null ? [] : [`${separator}${name}="${this.escape(name, value, '"')}"`])).join('');
  }

  /** Set each attribute that differs; add the missing ones after the last attribute. */
  setAttributes(element: Element, plan: AttributePlan): void {
    const missing: AttributePlan = [];
    for (const [name, value] of plan) {
      if (value === null) continue;
      const attribute = element.getAttributeNode(name);
      if (!attribute) {
        // An attribute Teaming would hold empty is not added just to be empty.
        if (value !== '') missing.push([name, value]);
      } else if (attribute.value !== value) {
        const span = attributeValueSpan(this.source, attribute);
        this.splices.push({ start: span.start, end: span.end, text: this.escape(name, value, span.quote) });
      }
    }
    if (missing.length === 0) return;
    const last = Array.from(element.attributes).at(-1);
    const indentation = last && last.lineNumber !== element.lineNumber ? ownLineIndentation(this.source, attributeNameStart(this.source, last)) : undefined;
    const separator = indentation === undefined ? ' ' : this.layout.eol + indentation;
    const at = startTagEnd(this.source, element).afterLast;
    this.splices.push({ start: at, end: at, text: this.attributesText(missing, separator) });
  }

  /** Add a child element as the parent's last child, on its own line, indented like its siblings. */
  appendChild(parent: Element, child: (indentation: string) => string): void {
    const { text } = this.source;
    const { eol, unit } = this.layout;
    const parentIndentation = indentationAt(text, this.source.offsetOf(parent));
    const sibling = firstChildElement(parent);
    const indentation = (sibling && ownLineIndentation(this.source, this.source.offsetOf(sibling))) ?? parentIndentation + unit;
    const element = eol + indentation + child(indentation);
    const tag = startTagEnd(this.source, parent);
    if (tag.selfClosing) {
      this.splices.push({ start: tag.afterLast, end: tag.at + 2, text: `>${element}${eol}${parentIndentation}</${parent.nodeName}>` });
      return;
    }
    const end = endTagStart(this.source, parent);
    let at = end;
    while (at > tag.at + 1 && isWhitespace(text[at - 1])) at--;
    // Before the whitespace that leads to the end tag, so the end tag keeps its line; unless it had none.
    const trailing = text.slice(at, end);
    if (/[\r\n]/.test(trailing)) this.splices.push({ start: at, end: at, text: element });
    else this.splices.push({ start: at, end, text: `${element}${eol}${parentIndentation}` });
  }

  resourceElement(plan: AttributePlan): (indentation: string) => string {
    return (indentation) => {
      const [first, ...rest] = plan.filter(([, value]) => value !== null);
      return `<Resource${this.attributesText([first!], ' ')}${this.attributesText(rest, this.layout.eol + indentation + this.layout.unit)} />`;
    };
  }

  outboundElement(plans: Record<Section, AttributePlan>): (indentation: string) => string {
    return this.container(`Outbound${this.attributesText(plans.Outbound, ' ')}`, 'Outbound', this.resourceElement(plans.Resource));
  }

  container(startTag: string, name: string, child: (indentation: string) => string): (indentation: string) => string {
    return (indentation) => {
      const inner = indentation + this.layout.unit;
      return `<${startTag}>${this.layout.eol}${inner}${child(inner)}${this.layout.eol}${indentation}</${name}>`;
    };
  }
}

function write(existing: Buffer | undefined, settings: MailSettings, file: string): Buffer {
  const { source, root, emailSettings, outbound, resource } = locate(existing ?? Buffer.from(NEW_DOCUMENT, 'utf8'), file);
  const plans = attributePlans(settings);
  const writer = new Writer(source, root);
  if (!emailSettings) writer.appendChild(root, writer.container('EmailSettings', 'EmailSettings', writer.outboundElement(plans)));
  else if (!outbound) writer.appendChild(emailSettings, writer.outboundElement(plans));
  else {
    writer.setAttributes(outbound, plans.Outbound);
    if (resource) writer.setAttributes(resource, plans.Resource);
    else writer.appendChild(outbound, writer.resourceElement(plans.Resource));
  }
  return source.encode(applySplices(source.text, writer.splices));
}

/** For a preview only: every non-empty password attribute (either protocol's) shown as the placeholder. */
function maskPasswords(text: string, placeholder: string): string {
  return text.replace(
    /(\smail\.smtps?\.password\s*=\s*)(["'])(?:(?!\2).)+\2/gs,
    (_match, name: string, quote: string) => `${name}${quote}${placeholder}${quote}`,
  );
}

export const xmlFormat: SettingsFormat = {
  name: 'xml',
  read,
  lookup: (bytes, file) => {
    const find = lookup(bytes, file);
    return (key) => find(key)?.value;
  },
  write,
  decode: (bytes, file) => parseXml(bytes, file).text,
  maskPasswords,
};

/** Refuse a reference to a declared entity inside an attribute the wizard manages. */
function refuseManagedEntities(source: XmlSource, elements: (Element | undefined)[], managed: (name: string) => boolean): void {
  if (source.entities.size === 0) return;
  for (const element of elements) {
    for (const attribute of Array.from(element?.attributes ?? [])) {
      if (!managed(attribute.name)) continue;
      const span = attributeValueSpan(source, attribute);
      const [reference] = entityReferences(source.text.slice(span.start, span.end), source.entities);
      if (!reference) continue;
      throw new SettingsFileError(
        source.file,
        `${ENTITIES_REFUSED}: <${element!.nodeName}> attribute ${attribute.name} holds the reference &${reference.name}; — write the value itself there, then run again`,
        attribute.lineNumber,
        attribute.columnNumber,
      );
    }
  }
}
