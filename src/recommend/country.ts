/**
 * The country of a borrower's time zone, which decides the rule pack and the holiday calendar. The mapping comes
 * from `countries-and-timezones` (built from IANA tzdata's zone.tab / zone1970.tab), never from a hand-typed list:
 * `Asia/Hong_Kong` → HK, `Asia/Macau` → MO, `Asia/Taipei` → TW, `Asia/Urumqi` → CN, `Australia/Sydney` → AU.
 *
 * A zone shared by several countries (tzdata merges zones whose clocks agree since 1970: `Europe/Zurich` is also
 * Liechtenstein's and Büsingen's, `Asia/Singapore` also Malaysia's) maps to the country the zone is named for, the
 * package's principal country; an old alias keeps its own country (`Asia/Kuala_Lumpur` → MY although tzdata links
 * it to `Asia/Singapore`). Zones of no country (`UTC`, `Etc/UTC`) give null: such a borrower gets the policy's
 * default pack and a Monday–Friday calendar.
 */
import ct from 'countries-and-timezones';

const memo = new Map<string, string | null>();

/** ISO 3166-1 alpha-2 code of the zone's country, or null when the zone belongs to no country. */
export function countryOfZone(zone: string): string | null {
  let c = memo.get(zone);
  if (c === undefined) {
    c = ct.getCountryForTimezone(zone)?.id ?? canonicalCountry(zone);
    memo.set(zone, c);
  }
  return c;
}

// A zone newer or spelled differently than the package's data: try the runtime's canonical name (ICU).
function canonicalCountry(zone: string): string | null {
  try {
    const canonical = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
    return canonical === zone ? null : (ct.getCountryForTimezone(canonical)?.id ?? null);
  } catch {
    return null;
  }
}

/** Whether `code` is an ISO 3166-1 alpha-2 code of a country with a time zone (`HK`, not `hk` or `HKG`). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && ct.getCountry(code) !== null;
}
