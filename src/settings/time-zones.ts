/**
 * IANA time zones: the names (time-zone-names.ts: validation, search, browsing by region) and the
 * notification time stamp preview, which needs luxon: only what shows a preview imports this module.
 */
import { DateTime } from 'luxon';

export * from './time-zone-names.ts';

/** What a notification time stamp looks like in the zone, e.g. "Tue 1 Dec 2026 09:00 PST". */
export function timeStampPreview(zone: string, at: Date = new Date()): string {
  const time = DateTime.fromJSDate(at).setZone(zone);
  // US English names American zones (PST) but only offsets elsewhere; British English names European ones (CET, BST).
  const american = time.setLocale('en-US').toFormat('ZZZZ');
  const british = time.setLocale('en-GB').toFormat('ZZZZ');
  const abbreviation = american.startsWith('GMT') && !british.startsWith('GMT') ? british : american;
  return `${time.setLocale('en-US').toFormat('ccc d LLL yyyy HH:mm')} ${abbreviation}`;
}
