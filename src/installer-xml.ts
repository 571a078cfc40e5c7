/** installer.xml ⇄ settings: the EmailSettings/Outbound section of Teaming's installer configuration. */
import { UsageError } from './errors.ts';
import type { SettingsFormat } from './settings-format.ts';

export const xmlFormat: SettingsFormat = {
  name: 'xml',
  read() {
    throw new UsageError('installer.xml files are not supported yet');
  },
  write() {
    throw new UsageError('installer.xml files are not supported yet');
  },
};
