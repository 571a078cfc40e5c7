/**
 * The two file formats the wizard reads and writes, chosen by the path: `installer.xml` (any path
 * ending in .xml) or a Java .properties file. Each format turns bytes into stored settings and
 * the existing bytes plus new settings into the new bytes; neither touches the disk.
 */
import { maskPasswords, propertiesLookup, readInstallerProperties, writeInstallerProperties, type StoredSettings } from './installer-properties.ts';
import type { MailSettings, Protocol } from './settings.ts';

export interface SettingsFormat {
  name: 'properties' | 'xml';
  /** `as`: that protocol's stored settings, whatever the file's protocol (none stored: no outbound settings). */
  read(bytes: Buffer, file: string, as?: Protocol): StoredSettings;
  /** The value the file holds for a managed key, as Teaming reads it (undefined: absent, or an empty attribute). */
  lookup(bytes: Buffer, file: string): (key: string) => string | undefined;
  /** `existing` undefined: a new file. */
  write(existing: Buffer | undefined, settings: MailSettings, file: string): Buffer;
  /** The file's bytes as text, to show on a terminal (--dry-run). */
  decode(bytes: Buffer, file: string): string;
  /** The file's text with every password in it replaced by `placeholder`, for a preview. */
  maskPasswords(text: string, placeholder: string): string;
}

/** Java's Properties.load(InputStream) reads ISO-8859-1; every other byte is kept as it was. */
export const propertiesFormat: SettingsFormat = {
  name: 'properties',
  read: (bytes, file, as) => readInstallerProperties(bytes.toString('latin1'), file, as),
  lookup: (bytes, file) => {
    const find = propertiesLookup(bytes.toString('latin1'), file);
    return (key) => find(key)?.value;
  },
  write: (existing, settings) =>
    Buffer.from(writeInstallerProperties(existing?.toString('latin1'), settings), 'latin1'),
  decode: (bytes) => bytes.toString('latin1'),
  maskPasswords,
};

export async function formatFor(file: string): Promise<SettingsFormat> {
  if (file.toLowerCase().endsWith('.xml')) {
    const { xmlFormat } = await import('./installer-xml.ts');
    return xmlFormat;
  }
  return propertiesFormat;
}
