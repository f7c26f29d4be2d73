/**
 * Macao's public holidays. date-holidays has no Macao data, so the rules are written here in its own rule grammar
 * and its engine computes the dates (lunar dates, Easter, solar terms), as it does for Hong Kong and Taiwan.
 *
 * Source: the public holidays of Administrative Regulation 60/2000 (公眾假期) as the Macao SAR Government lists
 * them each year (https://www.gov.mo/en/public-holidays/). Not modelled: compensatory days the Chief Executive
 * grants when a holiday falls on a Sunday (they are announced yearly and apply to the public service), and the
 * half-day of Lunar New Year's Eve. A lender who needs them sets a pack with its own calendar.
 */
import Holidays from 'date-holidays';

const RULES: [rule: string, name: string][] = [
  ['01-01', "New Year's Day"],
  ['chinese 01-0-01', 'Lunar New Year'],
  ['chinese 01-0-02', 'Second day of Lunar New Year'],
  ['chinese 01-0-03', 'Third day of Lunar New Year'],
  ['easter -2', 'Good Friday'],
  ['easter -1', 'The Day before Easter'],
  // Solar term 5 of the year is 清明 (Ching Ming), term 22 is 冬至 (Winter Solstice), as date-holidays numbers them.
  ['chinese 5-01 solarterm', 'Ching Ming Festival'],
  ['05-01', 'Labour Day'],
  ['chinese 04-0-08', "The Buddha's Birthday"],
  ['chinese 05-0-05', 'Tung Ng Festival'],
  ['chinese 08-0-16', 'The Day following Mid-Autumn Festival'],
  ['10-01', 'National Day of the PRC'],
  ['10-02', 'Day following National Day'],
  ['chinese 09-0-09', 'Chung Yeung Festival'],
  ['11-02', "All Souls' Day"],
  ['12-08', 'Feast of the Immaculate Conception'],
  ['12-20', 'Macao SAR Establishment Day'],
  ['chinese 22-01 solarterm', 'Winter Solstice'],
  ['12-24', 'Christmas Eve'],
  ['12-25', 'Christmas Day'],
];

/** A date-holidays instance computing Macao's public holidays. */
export function macaoHolidays(): Holidays {
  const hd = new Holidays();
  for (const [rule, name] of RULES) {
    // setHoliday returns false for a rule its grammar does not parse: a typo here must not pass silently.
    if (!hd.setHoliday(rule, { name: { en: name }, type: 'public' }))
      throw new Error(`Macao holiday rule ${rule}`);
  }
  return hd;
}
