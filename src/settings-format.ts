/**
 * The two file formats the wizard reads and writes, chosen by the path: `installer.xml` (any path
 * ending in .xml) or a Java .properties file. Each format turns bytes into stored settings and
 * the existing bytes plus new settings into the new bytes; neither touches the disk.
 */
import { maskPasswords, readInstallerProperties, writeInstallerProperties, type StoredSettings } from './installer-properties.ts';
import type { MailSettings } from './settings.ts';

export interface SettingsFormat {
  name: 'properties' | 'xml';
  read(bytes: Buffer, file: string): StoredSettings;
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
  read: (bytes, file) => readInstallerProperties(bytes.toString('latin1'), file),
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
