/**
 * Byte-level scanners for numbers and timestamps. They read straight from the file's bytes so that
 * a million-row CSV parses without creating a string per field; each returns the value and leaves
 * the position after the last byte it consumed in `scan.end`. A failed scan returns NaN and sets
 * `scan.error`; the caller then builds a message from the field's text (the slow path).
 */

/** Where the last scan stopped, and why it failed (0 = it did not). */
export const scan = { end: 0, error: 0 };

export const SCAN_SYNTAX = 1;
export const SCAN_RANGE = 2;
export const SCAN_UNIT = 3;

/** Units an integer epoch timestamp can be written in. */
export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** The bytes `b[start, end)` as a string (short fields only: numbers, timestamps, headers). */
export function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * Reads a decimal number (`-12`, `3.25`, `.5`, `1e-7`) starting at `p`, stopping at the first
 * byte that cannot continue it. Up to 15 significant digits it computes the value exactly as
 * `Number()` would (an exact mantissa times or divided by an exact power of ten rounds once);
 * longer numbers go through `Number()` on the text.
 */
export function scanNumber(b: Uint8Array, p: number, end: number): number {
  const start = p;
  let negative = false;
  let c = p < end ? b[p]! : 0;
  if (c === 45 /* - */) {
    negative = true;
    p++;
  } else if (c === 43 /* + */) {
    p++;
  }
  const digitsStart = p;
  let mantissa = 0;
  let exponent = 0;
  while (p < end) {
    const d = b[p]! - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    p++;
  }
  let digits = p - digitsStart;
  if (p < end && b[p] === 46 /* . */) {
    const fractionStart = ++p;
    while (p < end) {
      const d = b[p]! - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      p++;
    }
    exponent = fractionStart - p;
    digits += p - fractionStart;
  }
  if (digits === 0) {
    scan.end = start;
    scan.error = SCAN_SYNTAX;
    return Number.NaN;
  }
  const mantissaEnd = p;
  c = p < end ? b[p]! : 0;
  if (c === 101 /* e */ || c === 69 /* E */) {
    let q = p + 1;
    let expNegative = false;
    const s = q < end ? b[q]! : 0;
    if (s === 45) {
      expNegative = true;
      q++;
    } else if (s === 43) {
      q++;
    }
    let e = 0;
    const expStart = q;
    while (q < end) {
      const d = b[q]! - 48;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
      q++;
    }
    if (q > expStart) {
      exponent += expNegative ? -e : e;
      p = q;
    }
  }
  scan.end = p;
  scan.error = 0;
  // Up to 15 digits the mantissa is exact; more are fine if they are leading zeros (0.000012345).
  if (digits > 15 && significantDigits(b, digitsStart, mantissaEnd) > 15) return Number(latin1(b, start, p));
  let value: number;
  if (exponent === 0 || mantissa === 0) {
    value = mantissa;
  } else if (exponent < 0 && exponent >= -22) {
    value = mantissa / POW10[-exponent]!;
  } else if (exponent > 0 && exponent <= 22) {
    value = mantissa * POW10[exponent]!;
  } else {
    return Number(latin1(b, start, p));
  }
  return negative ? -value : value;
}

function significantDigits(b: Uint8Array, start: number, end: number): number {
  let count = 0;
  let leading = true;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 46) continue;
    if (leading && c === 48) continue;
    leading = false;
    count++;
  }
  return count;
}

/** Days from 1970-01-01 to the civil date (proleptic Gregorian), after H. Hinnant's `days_from_civil`. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function twoDigits(b: Uint8Array, p: number, end: number): number {
  if (p + 2 > end) return -1;
  const a = b[p]! - 48;
  const c = b[p + 1]! - 48;
  if (a < 0 || a > 9 || c < 0 || c > 9) return -1;
  return a * 10 + c;
}

/**
 * Reads a clock time `HH:MM[:SS[.fraction]]` at `p` and returns milliseconds since midnight
 * (fractions below a millisecond are truncated), or NaN.
 */
export function scanTimeOfDay(b: Uint8Array, p: number, end: number): number {
  const hour = twoDigits(b, p, end);
  if (hour < 0 || p + 2 >= end || b[p + 2] !== 58 /* : */) return fail(p, SCAN_SYNTAX);
  const minute = twoDigits(b, p + 3, end);
  if (minute < 0) return fail(p, SCAN_SYNTAX);
  p += 5;
  let second = 0;
  let millis = 0;
  if (p < end && b[p] === 58) {
    second = twoDigits(b, p + 1, end);
    if (second < 0) return fail(p, SCAN_SYNTAX);
    p += 3;
    if (p < end && b[p] === 46 /* . */ && p + 1 < end && isDigit(b[p + 1]!)) {
      p++;
      let scale = 100;
      while (p < end && isDigit(b[p]!)) {
        millis += (b[p]! - 48) * scale;
        scale /= 10;
        p++;
      }
      millis = Math.floor(millis);
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return fail(p, SCAN_RANGE);
  scan.end = p;
  scan.error = 0;
  return ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

function fail(p: number, error: number): number {
  scan.end = p;
  scan.error = error;
  return Number.NaN;
}

/**
 * Reads a calendar date `YYYY-MM-DD` (or `YYYY/MM/DD`), optionally followed by `T` or a space and
 * a clock time, and an optional zone (`Z`, `+HH:MM`, `+HHMM`, `+HH`, ` UTC`). No zone means UTC —
 * never local time. Returns epoch milliseconds, or NaN.
 */
export function scanIsoTime(b: Uint8Array, p: number, end: number): number {
  if (p + 10 > end) return fail(p, SCAN_SYNTAX);
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const d = b[p + i]! - 48;
    if (d < 0 || d > 9) return fail(p, SCAN_SYNTAX);
    year = year * 10 + d;
  }
  const sep = b[p + 4]!;
  if ((sep !== 45 && sep !== 47) || b[p + 7] !== sep) return fail(p, SCAN_SYNTAX);
  const month = twoDigits(b, p + 5, end);
  const day = twoDigits(b, p + 8, end);
  if (month < 0 || day < 0) return fail(p, SCAN_SYNTAX);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return fail(p, SCAN_RANGE);
  let time = daysFromCivil(year, month, day) * 86_400_000;
  p += 10;
  if (p < end && (b[p] === 84 /* T */ || b[p] === 32 /* space */) && p + 1 < end && isDigit(b[p + 1]!)) {
    const tod = scanTimeOfDay(b, p + 1, end);
    if (Number.isNaN(tod)) return tod;
    time += tod;
    p = scan.end;
  }
  // Zone designator.
  let q = p;
  if (q < end && b[q] === 32 && q + 1 < end && (b[q + 1] === 43 || b[q + 1] === 45 || b[q + 1] === 90 || b[q + 1] === 85)) q++;
  const z = q < end ? b[q]! : 0;
  if (z === 90 /* Z */ || z === 122 /* z */) {
    p = q + 1;
  } else if (z === 85 /* U */ && q + 3 <= end && b[q + 1] === 84 && b[q + 2] === 67) {
    p = q + 3; // "UTC"
  } else if ((z === 43 /* + */ || z === 45 /* - */) && isDigit(q + 1 < end ? b[q + 1]! : 0)) {
    const hours = twoDigits(b, q + 1, end);
    if (hours < 0) return fail(q, SCAN_SYNTAX);
    let r = q + 3;
    let minutes = 0;
    if (r < end && b[r] === 58) r++;
    const mm = twoDigits(b, r, end);
    if (mm >= 0) {
      minutes = mm;
      r += 2;
    } else if (b[r - 1] === 58) {
      return fail(q, SCAN_SYNTAX);
    }
    if (hours > 23 || minutes > 59) return fail(q, SCAN_RANGE);
    const offset = (hours * 60 + minutes) * 60_000;
    time += z === 43 ? -offset : offset;
    p = r;
  }
  scan.end = p;
  scan.error = 0;
  return time;
}

/** The unit an epoch integer of this size is most likely written in (seconds up to year 5138, …). */
export function epochUnitOf(value: number): EpochUnit {
  if (value < 1e11) return 's';
  if (value < 1e14) return 'ms';
  if (value < 1e17) return 'us';
  return 'ns';
}

/**
 * Epoch milliseconds of an epoch number already held as a double (JSON, Arrow integers). Float
 * noise from the unit conversion (1637193600.017 s × 1000) is snapped to the whole millisecond;
 * real sub-millisecond parts are truncated, as in text.
 */
export function epochNumberToMs(value: number, unit: EpochUnit): number {
  const ms = unit === 's' ? value * 1000 : unit === 'ms' ? value : unit === 'us' ? value / 1000 : value / 1e6;
  const nearest = Math.round(ms);
  return Math.abs(ms - nearest) < 1e-3 ? nearest : Math.floor(ms);
}

/** Per-file state for timestamp scanning: epoch integers keep the unit of the first one. */
export interface TimeScanState {
  unit: EpochUnit | undefined;
  /** True once the unit was fixed by an option rather than detected. */
  readonly fixedUnit: boolean;
  /** Set when a value was written as an epoch number / as a calendar date. */
  sawEpoch: boolean;
  sawIso: boolean;
}

export function timeScanState(unit?: EpochUnit): TimeScanState {
  return { unit, fixedUnit: unit !== undefined, sawEpoch: false, sawIso: false };
}

/**
 * Reads an epoch number (`1735689600`, `1735689600000`, `1735689600.5`) or a calendar date/time
 * and returns epoch milliseconds. The unit of epoch numbers is detected from the magnitude of the
 * first one and then required of every later value (a change of unit inside a file is an error,
 * not something to guess around). Sub-millisecond parts are truncated.
 */
export function scanTimestamp(b: Uint8Array, p: number, end: number, state: TimeScanState): number {
  if (p + 4 < end && (b[p + 4] === 45 || b[p + 4] === 47) && isDigit(b[p]!)) {
    state.sawIso = true;
    return scanIsoTime(b, p, end);
  }
  const start = p;
  let int = 0;
  let intDigits = 0;
  while (p < end) {
    const d = b[p]! - 48;
    if (d < 0 || d > 9) break;
    int = int * 10 + d;
    intDigits++;
    p++;
  }
  if (intDigits === 0) return fail(start, SCAN_SYNTAX);
  let frac = 0;
  let fracScale = 1;
  if (p < end && b[p] === 46) {
    p++;
    while (p < end && isDigit(b[p]!)) {
      if (fracScale < 1e9) {
        frac = frac * 10 + (b[p]! - 48);
        fracScale *= 10;
      }
      p++;
    }
  }
  if (p < end && (b[p] === 101 || b[p] === 69)) return fail(p, SCAN_SYNTAX); // 1.7e12 is not a timestamp anyone writes on purpose
  const detected = epochUnitOf(int);
  if (state.unit === undefined) {
    state.unit = detected;
  } else if (!state.fixedUnit && detected !== state.unit) {
    return fail(p, SCAN_UNIT);
  }
  state.sawEpoch = true;
  scan.end = p;
  scan.error = 0;
  switch (state.unit) {
    case 's':
      return int * 1000 + Math.floor((frac * 1000) / fracScale);
    case 'ms':
      return int;
    default: {
      // Drop the sub-millisecond digits before converting: a nanosecond count exceeds 2^53 and
      // would round in a double, while its leading digits are exact.
      const keep = intDigits - (state.unit === 'us' ? 3 : 6);
      let ms = 0;
      for (let i = 0; i < keep; i++) ms = ms * 10 + (b[start + i]! - 48);
      return ms;
    }
  }
}
