import type { Choice, Prompter } from '../prompter.ts';
import { browseTimeZones, COMMON_ZONES, machineTimeZone, searchTimeZones } from '../../settings/time-zone-names.ts';
import type { Question } from './context.ts';

const BROWSE = '\u0000browse';
const BACK = '\u0000back';
const SEARCH_LIMIT = 40;
// Once chosen, the question reads "✔ Time zone for notifications Browse…", not as if it were a zone.
const BROWSE_CHOICE: Choice<string> = { value: BROWSE, name: 'Browse by region, country or state, and city…', short: 'Browse…' };

function zoneChoice(zone: string): Choice<string> {
  const common = COMMON_ZONES.find((entry) => entry.zone === zone);
  return { value: zone, name: common ? `${common.label} (${zone})` : zone };
}

/** Before anything is typed: the current answer, the guide's four US zones, then browsing. */
function startChoices(defaultValue: string | undefined): Choice<string>[] {
  const first = defaultValue ? [zoneChoice(defaultValue)] : [];
  const common = COMMON_ZONES.filter((entry) => entry.zone !== defaultValue).map((entry) => zoneChoice(entry.zone));
  return [...first, ...common, BROWSE_CHOICE];
}

export function timeZoneChoices(term: string | undefined, defaultValue: string | undefined): Choice<string>[] {
  if (!term?.trim()) return startChoices(defaultValue);
  const matches = searchTimeZones(term).slice(0, SEARCH_LIMIT).map(zoneChoice);
  return [...matches, BROWSE_CHOICE];
}

/** Region → country or state → city, as the IANA names are grouped. */
async function browse(prompt: Prompter): Promise<string | undefined> {
  let prefix = '';
  for (;;) {
    const entries = browseTimeZones(prefix);
    const choices: Choice<string>[] = entries.map((entry) =>
      entry.zone
        ? { value: entry.zone, name: entry.name.replace(/_/g, ' ') }
        : { value: `${prefix ? `${prefix}/` : ''}${entry.name}/`, name: `${entry.name.replace(/_/g, ' ')} ›` },
    );
    choices.push({ value: BACK, name: prefix ? '‹ Back' : '‹ Back to search' });
    const picked = await prompt.select({ message: prefix ? `Time zone: ${prefix}` : 'Time zone: region', choices, pageSize: 15 });
    if (picked === BACK) {
      if (!prefix) return undefined;
      prefix = prefix.split('/').slice(0, -1).join('/');
      continue;
    }
    if (!picked.endsWith('/')) return picked;
    prefix = picked.slice(0, -1);
  }
}

export const timeZoneQuestion: Question<'timeZone'> = {
  id: 'timeZone',
  applies: () => true,
  defaultValue: (_draft, stored) => stored.timeZone ?? machineTimeZone(),
  async ask({ prompt, out, now }, defaultValue) {
    out.help('Notifications of scheduled events are time-stamped in this zone.');
    out.help('Type to search ("los angeles", "berlin"), or choose Browse at the end.');
    let zone: string | undefined;
    while (zone === undefined) {
      const picked = await prompt.search({
        message: 'Time zone for notifications',
        source: (term) => timeZoneChoices(term, defaultValue),
        default: defaultValue,
        pageSize: 8,
      });
      if (picked === BROWSE) out.help('Type the first letters of a name to jump to it; ‹ Back goes up a level.');
      zone = picked === BROWSE ? await browse(prompt) : picked;
    }
    // luxon loads once a zone is chosen, not before the first question.
    const { timeStampPreview } = await import('../../settings/time-zones.ts');
    out.help(`Notifications will be stamped like: ${timeStampPreview(zone, now())}`);
    return zone;
  },
};
