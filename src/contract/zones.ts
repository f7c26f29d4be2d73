/**
 * Which time-zone names the contract accepts. A zone decides the local hour of every call and the country's
 * calendar, so an ambiguous name is worse than none: `CST` is China, Cuba or the US Central zone, `IST` is India,
 * Israel or Ireland, and `Factory` is a placeholder zone with no offset rules at all. DuckDB (ICU) accepts all of
 * them, so the contract decides instead:
 *
 *   accepted = the canonical IANA zones this runtime knows (`Intl.supportedValuesOf('timeZone')`)
 *            ∪ `UTC`, `Etc/UTC`
 *            ∪ Area/Location aliases of a canonical zone (Area one of the continents and oceans below), because
 *              ICU still spells some canonical zones by their old names (`Asia/Calcutta` for the IANA-canonical
 *              `Asia/Kolkata`, `Europe/Kiev` for `Europe/Kyiv`) and both spellings name one place.
 *
 * Refused: abbreviations (`CST`, `IST`, `EST`), POSIX-style names (`EST5EDT`), `Etc/GMT±N` (whose sign is the
 * opposite of what it looks like), country links (`PRC`, `US/Pacific`), `Factory`, and any other spelling or case.
 */

const AREAS =
  /^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)?$/;

let canonical: Set<string> | undefined;

function canonicalZones(): Set<string> {
  canonical ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  return canonical;
}

/** Whether `name` is a zone the contract accepts (see the module comment). */
export function isAcceptedZone(name: string): boolean {
  const zones = canonicalZones();
  if (zones.has(name)) return true;
  if (!AREAS.test(name)) return false;
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    return zones.has(resolved);
  } catch {
    return false;
  }
}

/** The rule in words, for reject messages and the README. */
export const ZONE_RULE =
  'an IANA time zone such as Asia/Shanghai, by its canonical Area/Location name (abbreviations such as CST or IST, US/Pacific, PRC, Etc/GMT+8 and Factory are refused)';
