/**
 * The two file formats the wizard reads and writes, chosen by the path: `installer.xml` (any path
 * ending in .xml) or a Java .properties file. Each format turns bytes into stored settings and
 * the existing bytes plus new settings into the new bytes; neither touches the disk.
 */
import { maskSecrets, propertiesLookup, readInstallerProperties, writeInstallerProperties } from './installer-properties.ts';
import type { SettingsFormat } from './managed-settings.ts';

export type { SettingsFormat } from './managed-settings.ts';

/** Java's Properties.load(InputStream) reads ISO-8859-1; every other byte is kept as it was. */
export const propertiesFormat: SettingsFormat = {
  name: 'properties',
  read: (bytes, file, as) => readInstallerProperties(bytes.toString('latin1'), file, as),
  lookup: (bytes, file) => {
    const find = propertiesLookup(bytes.toString('latin1'), file);
    return (key) => find(key)?.value;
  },
  write: (existing, settings) => Buffer.from(writeInstallerProperties(existing?.toString('latin1'), settings), 'latin1'),
  decode: (bytes) => bytes.toString('latin1'),
  maskSecrets,
};

export async function formatFor(file: string): Promise<SettingsFormat> {
  if (file.toLowerCase().endsWith('.xml')) {
    const { xmlFormat } = await import('./installer-xml.ts');
    return xmlFormat;
  }
  return propertiesFormat;
}
