/**
 * A wall-clock time already expressed in an event's zone, handed to ical-generator as a TZDate-compatible date
 * (ical-generator formats TZDate values of @date-fns/tz through `withTimeZone(zone)` and the local getters).
 * DuckDB/ICU has already converted the UTC instant to the zone's wall time, so no per-event offset computation
 * is repeated in JS — the cost that made a million events take minutes with luxon.
 * The time value is the wall time read as UTC; only ical-generator's formatting sees it.
 */
export class WallTime extends Date {
  /** ical-generator recognizes a TZDate by these members. */
  readonly internal: Date;

  /** `wall`: `YYYY-MM-DDTHH:MM:SS`, in the event's zone. */
  constructor(wall: string) {
    super(`${wall}Z`);
    if (Number.isNaN(this.getTime())) throw new Error(`WallTime: not a wall time: ${wall}`);
    this.internal = new Date(this.getTime());
  }

  withTimeZone(_zone?: string | null): WallTime {
    return this;
  }

  tzComponents(): void {}

  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
}
