/**
 * The exact text of an installer.properties, for a test's expectation, from a readable list of
 * keys in file order: the wizard's header (unless `header: false`), then one `key=value` line each.
 * Values are given as the file holds them (escaped); nothing here calls the product's writer.
 */

/** The two comment lines a new file starts with. */
export const HEADER =
  '# Kablink Teaming: outbound e-mail settings (JavaMail session properties).\n' +
  '# Written by teaming-mail-setup; lines it does not manage are kept as they are.\n';

/** Keys keep the order they are written in (property names are never array indexes, so JavaScript keeps it too). */
export function propertiesText(keys: Readonly<Record<string, string>>, { header = true }: { header?: boolean } = {}): string {
  return (
    (header ? HEADER : '') +
    Object.entries(keys)
      .map(([key, value]) => `${key}=${value}\n`)
      .join('')
  );
}
