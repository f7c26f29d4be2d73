/**
 * Working-day calendars for the rule packs. Holidays and working days come from maintained libraries, never from a
 * hand-typed list: `chinese-days` knows China's adjusted working days (调休: a weekend can be a working day),
 * `date-holidays` knows public holidays of most other countries.
 *
 * Calendar specs (policy `rule_packs.<name>.calendar`):
 * - `cn`: mainland China, official holidays and adjusted working days (a make-up Sunday is a working day);
 * - `mo`: Macao, whose public holidays date-holidays does not know (see ./calendars/mo.ts);
 * - `holidays:<COUNTRY>[:<STATE>]`: Monday–Friday minus the public holidays of that country (date-holidays codes);
 * - `holidays:country`: the same for each borrower's own country, taken from the zone (./country.ts); resolved per
 *   borrower by `calendarSpecFor` (CN → `cn`, MO → `mo`, a country date-holidays does not know → `weekdays`);
 * - `weekdays`: Monday–Friday; `all`: every day.
 */
import chineseDays from 'chinese-days';
import Holidays from 'date-holidays';
import { isoWeekday, ymdOf } from '../core/days.ts';
import { BadInputError } from '../core/errors.ts';
import { macaoHolidays } from './calendars/mo.ts';
import { countryOfZone } from './country.ts';

/** The calendar spec that stands for "the borrower's own country". */
export const COUNTRY_CALENDAR = 'holidays:country';

/** Answers "is this day a working day" for one calendar; memoized per day number. */
export interface WorkCalendar {
  /** The spec it was built from, e.g. `cn` or `holidays:US`. */
  readonly spec: string;
  isWorkingDay(day: number): boolean;
}

class MemoCalendar implements WorkCalendar {
  private readonly memo = new Map<number, boolean>();
  constructor(
    readonly spec: string,
    private readonly compute: (day: number) => boolean,
  ) {}
  isWorkingDay(day: number): boolean {
    let v = this.memo.get(day);
    if (v === undefined) {
      v = this.compute(day);
      this.memo.set(day, v);
    }
    return v;
  }
}

function countryCalendar(spec: string, country: string, state: string | undefined): WorkCalendar {
  const hd = state ? new Holidays(country, state) : new Holidays(country);
  if (!hd.getCountries()[country]) {
    throw new BadInputError(
      `calendar "${spec}": expected a country code known to date-holidays, found "${country}"`,
    );
  }
  return holidayCalendar(spec, hd);
}

/** Monday–Friday minus the `public` holidays `hd` computes. */
function holidayCalendar(spec: string, hd: Holidays): WorkCalendar {
  const byYear = new Map<number, Set<string>>();
  const publicDays = (year: number): Set<string> => {
    let s = byYear.get(year);
    if (!s) {
      // Only `public` holidays close a call center; bank and observance days do not.
      s = new Set(
        hd
          .getHolidays(year)
          .filter((h) => h.type === 'public')
          .map((h) => h.date.slice(0, 10)),
      );
      byYear.set(year, s);
    }
    return s;
  };
  return new MemoCalendar(spec, (day) => {
    if (isoWeekday(day) > 5) return false;
    const ymd = ymdOf(day);
    return !publicDays(Number(ymd.slice(0, 4))).has(ymd);
  });
}

const built = new Map<string, WorkCalendar>();

/** The calendar for a spec; built once per process. Throws BadInputError for an unknown spec. */
export function calendarFor(spec: string): WorkCalendar {
  const hit = built.get(spec);
  if (hit) return hit;
  let cal: WorkCalendar;
  if (spec === 'cn') cal = new MemoCalendar(spec, (day) => chineseDays.isWorkday(ymdOf(day)));
  else if (spec === 'mo') cal = holidayCalendar(spec, macaoHolidays());
  else if (spec === 'weekdays') cal = new MemoCalendar(spec, (day) => isoWeekday(day) <= 5);
  else if (spec === 'all') cal = new MemoCalendar(spec, () => true);
  else if (spec === COUNTRY_CALENDAR) {
    // Checked as a spec (policy check); a borrower's calendar is resolved by calendarSpecFor first.
    cal = new MemoCalendar(spec, (day) => isoWeekday(day) <= 5);
  } else if (spec.startsWith('holidays:')) {
    const [, country, state] = spec.split(':');
    cal = countryCalendar(spec, (country ?? '').toUpperCase(), state);
  } else {
    throw new BadInputError(
      `calendar: expected "cn", "mo", "weekdays", "all", "holidays:country" or "holidays:<COUNTRY>[:<STATE>]", found "${spec}"`,
    );
  }
  built.set(spec, cal);
  return cal;
}

const knownCountries = new Holidays().getCountries();

/**
 * The calendar spec a borrower in `zone` gets from a pack's spec: `holidays:country` becomes the zone country's
 * calendar (mainland China → `cn`, the only one with make-up working days; Macao → `mo`; a country date-holidays
 * knows → `holidays:<CC>`; no country or an unknown one → `weekdays`). Any other spec is already explicit.
 */
export function calendarSpecFor(spec: string, zone: string): string {
  if (spec !== COUNTRY_CALENDAR) return spec;
  const c = countryOfZone(zone);
  if (c === 'CN') return 'cn';
  if (c === 'MO') return 'mo';
  return c && knownCountries[c] ? `holidays:${c}` : 'weekdays';
}

/** The working-day calendar of a pack's spec for a borrower in `zone` (see calendarSpecFor). */
export function calendarForZone(spec: string, zone: string): WorkCalendar {
  return calendarFor(calendarSpecFor(spec, zone));
}
