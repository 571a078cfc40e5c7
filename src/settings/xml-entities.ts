/**
 * Entities declared in the internal DOCTYPE subset of an installer.xml. Java's parser expands
 * them; xmldom does not (it reports "entity not found" and keeps `&name;` as text). The wizard
 * keeps such a document byte for byte as long as no entity can change what it reads or writes:
 * - an entity that may stand for elements (its text holds markup or another reference, or it is
 *   external) could hold the EmailSettings section itself: a reference to one anywhere refuses
 *   the document;
 * - a reference inside an attribute the wizard manages would be read as the text "&name;":
 *   refused too (installer-xml.ts). Everywhere else references stay as they are.
 */

export const ENTITIES_REFUSED = 'uses DOCTYPE entities, which the wizard does not expand';

/** Each declared general entity: may it stand for markup? */
export type DeclaredEntities = Map<string, { markup: boolean }>;

const INTERNAL_SUBSET = /<!DOCTYPE\s[^[>]*\[([\s\S]*?)\]\s*>/;
const ENTITY = /<!ENTITY\s+(%\s+)?([^\s"'>%]+)\s+(?:"([^"]*)"|'([^']*)'|(?:SYSTEM|PUBLIC)\b[^>]*)\s*>/g;
/** A reference to a general entity other than the five XML predefines. */
const REFERENCE = /&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_:][\w.:-]*);/g;

export function declaredEntities(text: string): { entities: DeclaredEntities; bodyStart: number } {
  const entities: DeclaredEntities = new Map();
  const subset = INTERNAL_SUBSET.exec(text);
  if (!subset) return { entities, bodyStart: 0 };
  for (const [, parameter, name, double, single] of subset[1]!.matchAll(ENTITY)) {
    if (parameter) continue;
    const value = double ?? single;
    entities.set(name!, { markup: value === undefined || /[<&]/.test(value.replace(/&#x?[0-9A-Fa-f]+;/g, '')) });
  }
  return { entities, bodyStart: subset.index + subset[0].length };
}

/** The declared entities referenced in `text`, with where each reference starts. */
export function entityReferences(text: string, entities: DeclaredEntities): { name: string; index: number }[] {
  return [...text.matchAll(REFERENCE)].filter((match) => entities.has(match[1]!)).map((match) => ({ name: match[1]!, index: match.index }));
}

/** The first reference to an entity that may stand for elements, after the DOCTYPE; undefined when none. */
export function markupReference(text: string, entities: DeclaredEntities, bodyStart: number): { name: string; index: number } | undefined {
  const found = entityReferences(text.slice(bodyStart), entities).find(({ name }) => entities.get(name)!.markup);
  return found && { name: found.name, index: found.index + bodyStart };
}
