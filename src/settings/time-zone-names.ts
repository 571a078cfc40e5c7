/**
 * IANA time zone names: validation, the spelling to store, search and browsing by region. No
 * luxon here, and a zone Intl lists is known without building a date formatter (the first one
 * initialises ICU's zone data: about 15 ms and 8 MB), so reading a settings file stays cheap. The
 * notification time stamp preview, which needs luxon, is in time-zones.ts.
 */

/** The installation guide's common United States choices, offered first by name. */
export const COMMON_ZONES: readonly { label: string; zone: string }[] = [
  { label: 'Pacific Time', zone: 'America/Los_Angeles' },
  { label: 'Mountain Time', zone: 'America/Denver' },
  { label: 'Central Time', zone: 'America/Chicago' },
  { label: 'Eastern Time', zone: 'America/New_York' },
];

/** Whether Intl takes the zone: a date formatter for it can be built (what luxon's IANAZone.isValidZone checks). */
function intlKnowsZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}

let intlZones: Map<string, string> | undefined;

/** The zones Intl lists, and UTC, by their lower-case names: Intl takes each of them, in any case. */
function listedByIntl(): Map<string, string> {
  intlZones ??= new Map([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]));
  return intlZones;
}

export function isValidTimeZone(zone: string): boolean {
  // Offsets such as "UTC+3" are valid for luxon but are not IANA names; Teaming needs a zone id.
  return /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && (listedByIntl().has(zone.toLowerCase()) || intlKnowsZone(zone));
}

/**
 * Intl lists zones by their CLDR ids, some of which are old IANA names kept as links
 * ("America/Indianapolis"); the installer groups by the IANA names. Only long-standing IANA names
 * are used, which every Java release since 2009 knows ("Europe/Kiev" stays: older Javas lack "Europe/Kyiv").
 */
const IANA_NAMES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Renamed after older Java releases shipped: stored under the old name, found by the new one too. */
const NEWER_NAMES: Readonly<Record<string, string>> = {
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Godthab': 'America/Nuuk',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
};

/** Other names a zone is found by when searching: "calcutta" finds Asia/Kolkata, "kyiv" Europe/Kiev. */
const OTHER_NAMES = new Map([...Object.entries(IANA_NAMES).map(([old, renamed]): [string, string] => [renamed, old]), ...Object.entries(NEWER_NAMES)]);

function ianaName(zone: string): string {
  const name = IANA_NAMES[zone];
  return name !== undefined && intlKnowsZone(name) ? name : zone;
}

let zoneList: string[] | undefined;

export function allTimeZones(): string[] {
  zoneList ??= [...Intl.supportedValuesOf('timeZone').map(ianaName), 'UTC'].filter((zone, index, zones) => zones.indexOf(zone) === index).sort();
  return zoneList;
}

/**
 * The spelling to store: Intl accepts "america/new_york" and links such as "US/Pacific", but Java
 * knows zone ids only as spelled in the tz database and silently uses GMT for anything else. A
 * listed zone in any case becomes its listed spelling; any other valid name becomes the zone it
 * stands for. undefined: not a zone.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (!isValidTimeZone(zone)) return undefined;
  const lower = zone.toLowerCase();
  // A zone Intl lists under a name that is not renamed is in the list as Intl spells it (see allTimeZones).
  const intl = listedByIntl().get(lower);
  if (intl !== undefined && !Object.hasOwn(IANA_NAMES, intl)) return intl;
  const listed = allTimeZones().find((candidate) => candidate.toLowerCase() === lower);
  if (listed !== undefined) return listed;
  return ianaName(new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);
}

/** The machine's own zone, when it is a usable IANA name, spelled as in the list. */
export function machineTimeZone(): string | undefined {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone ? canonicalTimeZone(zone) : undefined;
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s_/]+/g, ' ')
    .trim();
}

/** Case-insensitive; spaces and underscores alike; every word typed must appear ("los angeles", "indiana indianap"). */
export function searchTimeZones(term: string, zones: readonly string[] = allTimeZones()): string[] {
  const words = normalize(term).split(' ').filter(Boolean);
  if (words.length === 0) return [...zones];
  const named = COMMON_ZONES.filter((common) => words.every((word) => normalize(common.label).includes(word))).map((common) => common.zone);
  const matches = zones.filter((zone) => {
    // Another name finds the zone too: "calcutta", "saigon", "kyiv".
    const name = normalize(`${zone} ${OTHER_NAMES.get(zone) ?? ''}`);
    return words.every((word) => name.includes(word));
  });
  const city = (zone: string) => normalize(zone.split('/').pop() ?? zone);
  // Zones whose city starts with what was typed come first.
  matches.sort((a, b) => Number(!city(a).startsWith(words[0]!)) - Number(!city(b).startsWith(words[0]!)));
  return [...new Set([...named, ...matches])];
}

/** One level of the IANA tree: the regions at the top, then country or state groups and cities below. */
export function browseTimeZones(prefix: string, zones: readonly string[] = allTimeZones()): { name: string; zone?: string }[] {
  const entries = new Map<string, { name: string; zone?: string }>();
  const depth = prefix === '' ? 0 : prefix.split('/').length;
  for (const zone of zones) {
    if (prefix !== '' && !zone.startsWith(`${prefix}/`)) continue;
    const parts = zone.split('/');
    const name = parts[depth];
    if (name === undefined) continue;
    const isLeaf = parts.length === depth + 1;
    const key = isLeaf ? `zone:${name}` : `group:${name}`;
    if (!entries.has(key)) entries.set(key, isLeaf ? { name, zone } : { name });
  }
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}
