/**
 * Circuit breakers. Each one watches one thing (the day's loss, a losing streak, volatility,
 * drawdown, gas price), trips at its threshold and knows when it resets. They hold no reference
 * to the bus or the portfolio: the RiskEngine feeds them observations with the clock's time, so
 * they behave the same in a backtest and live and are tested with plain numbers.
 */
import { DAY_MS, isoTime, utcDayStart } from '../core/time.js';
import { ATR } from '../indicators/volatility.js';
import type { Bar } from '../model/bar.js';
import type { ConsecutiveLossesConfig, DailyLossConfig, GasPriceConfig, MaxDrawdownConfig, VolatilityConfig } from './config.js';
import type { BreakerName } from './events.js';

/** A breaker's standing trip. */
export interface Trip {
  readonly at: number;
  readonly value: number;
  readonly threshold: number;
  readonly reason: string;
  /** When it resets by itself; null when only an actor can reset it. */
  readonly resetsAt: number | null;
}

/** What the breaker reports about itself for the read model. */
export interface BreakerReading {
  readonly value: number | null;
  readonly threshold: number | null;
  readonly unit: 'fraction' | 'quote' | 'losses' | 'ratio' | 'gwei';
  readonly details: Readonly<Record<string, number | string | null>>;
}

export interface Breaker {
  readonly name: BreakerName;
  readonly trip: Trip | null;
  reading(now: number): BreakerReading;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
/** Fractions computed from money carry binary noise (1 − 10,800/12,000 = 0.09999999999999998): a value this close to a threshold has reached it. */
const reached = (value: number, threshold: number): boolean => value >= threshold - 1e-12;

/**
 * Daily loss limit. The day's loss is measured from the first equity seen in the UTC day — with
 * bar data that is the equity at the close of the bar ending at 00:00, i.e. the equity at
 * midnight. The breaker resets at the next 00:00 UTC of the clock driving it — simulated time in
 * a backtest, never the machine's local time.
 */
export class DailyLossBreaker implements Breaker {
  readonly name = 'daily-loss';
  trip: Trip | null = null;
  private day = NaN;
  private dayStart = NaN;
  private last = NaN;

  constructor(public config: DailyLossConfig) {}

  /** Starts a new day when `now` is past midnight; returns the reset reason if a trip was cleared. */
  roll(now: number): string | undefined {
    const day = utcDayStart(now);
    if (day === this.day) return undefined;
    this.day = day;
    // The next observation (the one at 00:00 when bars close there) becomes the day's start.
    this.dayStart = NaN;
    if (this.trip === null) return undefined;
    this.trip = null;
    return `new UTC day ${isoTime(day).slice(0, 10)}`;
  }

  /** Records equity (after `roll`); returns the trip if this observation tripped the breaker. */
  observe(now: number, equity: number): Trip | undefined {
    if (!Number.isFinite(equity)) return undefined;
    if (!Number.isFinite(this.dayStart)) this.dayStart = equity;
    this.last = equity;
    if (this.trip !== null) return undefined;
    const loss = this.dayStart - equity;
    const fraction = this.lossFraction(loss);
    const { maxLossFraction, maxLoss } = this.config;
    if (maxLossFraction !== null && reached(fraction, maxLossFraction)) {
      return this.tripWith(now, fraction, maxLossFraction, `daily loss ${pct(fraction)} of the day's starting equity ${this.dayStart.toFixed(2)} reached the limit ${pct(maxLossFraction)}`);
    }
    if (maxLoss !== null && loss >= maxLoss) {
      return this.tripWith(now, loss, maxLoss, `daily loss ${loss.toFixed(2)} reached the limit ${maxLoss}`);
    }
    return undefined;
  }

  /** Manual reset: the day's loss is measured again from the current equity. */
  reset(): void {
    this.trip = null;
    this.dayStart = this.last;
  }

  reading(): BreakerReading {
    const loss = Number.isFinite(this.dayStart) && Number.isFinite(this.last) ? this.dayStart - this.last : NaN;
    const byFraction = this.config.maxLossFraction !== null;
    return {
      value: finiteOrNull(byFraction ? this.lossFraction(loss) : loss),
      threshold: byFraction ? this.config.maxLossFraction : this.config.maxLoss,
      unit: byFraction ? 'fraction' : 'quote',
      details: {
        dayStart: Number.isFinite(this.day) ? this.day : null, dayStartEquity: finiteOrNull(this.dayStart), equity: finiteOrNull(this.last),
        loss: finiteOrNull(loss), maxLoss: this.config.maxLoss, maxLossFraction: this.config.maxLossFraction,
      },
    };
  }

  private lossFraction(loss: number): number {
    if (!(loss > 0)) return loss === loss ? 0 : NaN;
    return this.dayStart > 0 ? loss / this.dayStart : Infinity;
  }

  private tripWith(now: number, value: number, threshold: number, reason: string): Trip {
    this.trip = { at: now, value, threshold, reason, resetsAt: utcDayStart(now) + DAY_MS };
    return this.trip;
  }
}

/**
 * Consecutive losses: trips after `maxLosses` losing trades in a row and stays tripped for
 * `cooldownMs`; then the count starts from zero. Trades closed while tripped are not counted (a
 * forced exit during the pause does not start the next streak).
 */
export class ConsecutiveLossBreaker implements Breaker {
  readonly name = 'consecutive-losses';
  trip: Trip | null = null;
  private streak = 0;

  constructor(public config: ConsecutiveLossesConfig) {}

  roll(now: number): string | undefined {
    if (this.trip === null || this.trip.resetsAt === null || now < this.trip.resetsAt) return undefined;
    this.trip = null;
    this.streak = 0;
    return `cooldown of ${this.config.cooldownMs} ms ended`;
  }

  /** A closed trade's net PnL; returns the trip if it completed a losing streak. */
  onTrade(now: number, pnl: number): Trip | undefined {
    if (this.trip !== null) return undefined;
    this.streak = pnl < 0 ? this.streak + 1 : 0;
    if (this.streak < this.config.maxLosses) return undefined;
    this.trip = {
      at: now, value: this.streak, threshold: this.config.maxLosses, resetsAt: now + this.config.cooldownMs,
      reason: `${this.streak} losing trades in a row (limit ${this.config.maxLosses}); paused until ${isoTime(now + this.config.cooldownMs)}`,
    };
    return this.trip;
  }

  reset(): void {
    this.trip = null;
    this.streak = 0;
  }

  reading(): BreakerReading {
    return { value: this.streak, threshold: this.config.maxLosses, unit: 'losses', details: { cooldownMs: this.config.cooldownMs } };
  }
}

/** One symbol's volatility measure and the history it is compared with. */
class VolatilityTrack {
  private readonly atr: ATR | undefined;
  private prevClose = NaN;
  private readonly returns: Float64Array;
  private rCount = 0;
  private rSum = 0;
  private rSumSq = 0;
  private readonly history: Float64Array;
  private hCount = 0;
  private hSum = 0;
  current = NaN;
  ratio = NaN;

  constructor(readonly config: VolatilityConfig) {
    this.atr = config.measure === 'atr' ? new ATR({ period: config.period }) : undefined;
    this.returns = new Float64Array(config.measure === 'stdev' ? config.period : 0);
    this.history = new Float64Array(config.lookback);
  }

  /** Updates with a closed bar; returns the ratio of the new measure to its history's mean (NaN until both exist). */
  update(bar: Bar): number {
    const m = this.atr ? this.atr.update(bar) : this.stdev(bar.close);
    if (!Number.isFinite(m)) return NaN;
    const n = this.config.lookback;
    const mean = this.hCount >= n ? this.hSum / n : NaN;
    // The current value is compared with the past only: a spike must not dilute its own baseline.
    this.ratio = mean > 0 ? m / mean : NaN;
    const slot = this.hCount % n;
    if (this.hCount >= n) this.hSum -= this.history[slot]!;
    this.history[slot] = m;
    this.hSum += m;
    this.hCount++;
    this.current = m;
    return this.ratio;
  }

  private stdev(close: number): number {
    const prev = this.prevClose;
    this.prevClose = close;
    if (!(prev > 0 && close > 0)) return NaN;
    const r = Math.log(close / prev);
    const p = this.returns.length;
    const slot = this.rCount % p;
    if (this.rCount >= p) {
      const old = this.returns[slot]!;
      this.rSum -= old;
      this.rSumSq -= old * old;
    }
    this.returns[slot] = r;
    this.rSum += r;
    this.rSumSq += r * r;
    this.rCount++;
    if (this.rCount < p) return NaN;
    const mean = this.rSum / p;
    return Math.sqrt(Math.max(0, this.rSumSq / p - mean * mean));
  }
}

/**
 * Volatility spike: per symbol, the ATR (or σ of log returns) over `period` bars, compared with
 * the mean of its own last `lookback` values. Trips when any symbol's ratio reaches `maxRatio`;
 * resets once every tripped symbol's ratio is back below `resetRatio` and `minHoldMs` has passed.
 */
export class VolatilityBreaker implements Breaker {
  readonly name = 'volatility';
  trip: Trip | null = null;
  private readonly tracks = new Map<string, VolatilityTrack>();
  private readonly spiking = new Set<string>();

  constructor(public config: VolatilityConfig) {}

  /** A closed bar of the measured timeframe: returns a trip, a reset reason, or nothing. */
  onBar(now: number, bar: Bar): Trip | string | undefined {
    let track = this.tracks.get(bar.symbol);
    if (!track) this.tracks.set(bar.symbol, (track = new VolatilityTrack(this.config)));
    const ratio = track.update(bar);
    if (!Number.isFinite(ratio)) return undefined;
    const { maxRatio, resetRatio, minHoldMs } = this.config;
    if (ratio >= maxRatio) {
      this.spiking.add(bar.symbol);
      if (this.trip !== null) return undefined;
      this.trip = {
        at: now, value: ratio, threshold: maxRatio, resetsAt: null,
        reason: `${bar.symbol} ${this.config.measure} ${track.current.toPrecision(4)} is ${ratio.toFixed(2)}× its mean of the last ${this.config.lookback} bars (limit ${maxRatio}×)`,
      };
      return this.trip;
    }
    if (ratio < resetRatio) this.spiking.delete(bar.symbol);
    if (this.trip !== null && this.spiking.size === 0 && now >= this.trip.at + minHoldMs) {
      this.trip = null;
      return `volatility back below ${resetRatio}× its norm (${bar.symbol} at ${ratio.toFixed(2)}×)`;
    }
    return undefined;
  }

  reset(): void {
    this.trip = null;
    this.spiking.clear();
  }

  reading(): BreakerReading {
    let worst = NaN;
    let worstSymbol: string | null = null;
    for (const [symbol, track] of this.tracks) {
      if (Number.isFinite(track.ratio) && !(track.ratio <= worst)) {
        worst = track.ratio;
        worstSymbol = symbol;
      }
    }
    return {
      value: finiteOrNull(worst), threshold: this.config.maxRatio, unit: 'ratio',
      details: { symbol: worstSymbol, measure: this.config.measure, resetRatio: this.config.resetRatio, spiking: [...this.spiking].join(',') || null },
    };
  }
}

/**
 * Max-drawdown kill switch: trips when equity falls `maxDrawdownFraction` below its high-water
 * mark and stays tripped until an actor resets it; the reset makes the current equity the new mark.
 */
export class DrawdownBreaker implements Breaker {
  readonly name = 'max-drawdown';
  trip: Trip | null = null;
  private peak = NaN;
  private last = NaN;

  constructor(public config: MaxDrawdownConfig) {}

  observe(now: number, equity: number): Trip | undefined {
    if (!Number.isFinite(equity)) return undefined;
    this.last = equity;
    if (!(equity <= this.peak)) this.peak = equity;
    if (this.trip !== null) return undefined;
    const drawdown = this.drawdown();
    if (!reached(drawdown, this.config.maxDrawdownFraction)) return undefined;
    this.trip = {
      at: now, value: drawdown, threshold: this.config.maxDrawdownFraction, resetsAt: null,
      reason: `drawdown ${pct(drawdown)} from the equity peak ${this.peak.toFixed(2)} reached the kill-switch limit ${pct(this.config.maxDrawdownFraction)}`,
    };
    return this.trip;
  }

  reset(): void {
    this.trip = null;
    this.peak = this.last;
  }

  reading(): BreakerReading {
    return {
      value: finiteOrNull(this.drawdown()), threshold: this.config.maxDrawdownFraction, unit: 'fraction',
      details: { peakEquity: finiteOrNull(this.peak), equity: finiteOrNull(this.last) },
    };
  }

  private drawdown(): number {
    if (!(this.peak > 0)) return Number.isFinite(this.peak) && this.last < this.peak ? Infinity : 0;
    return Math.max(0, 1 - this.last / this.peak);
  }
}

/**
 * Gas-price cap for on-chain trades. It does not move the trading state (expensive gas is no
 * reason to stop trading on an exchange); it denies orders on the configured on-chain venues
 * while the last gas price is above the cap, unknown, or older than `maxAgeMs`.
 */
export class GasPriceGuard implements Breaker {
  readonly name = 'gas-price';
  trip: Trip | null = null;
  private gwei = NaN;
  private time = NaN;

  constructor(public config: GasPriceConfig) {}

  /** A gas price observation; returns a trip or a reset reason when the cap is crossed. */
  observe(time: number, gwei: number): Trip | string | undefined {
    this.gwei = gwei;
    this.time = time;
    if (gwei > this.config.maxGwei) {
      if (this.trip !== null) return undefined;
      this.trip = { at: time, value: gwei, threshold: this.config.maxGwei, resetsAt: null, reason: `gas price ${gwei} gwei is above the cap ${this.config.maxGwei} gwei` };
      return this.trip;
    }
    if (this.trip === null) return undefined;
    this.trip = null;
    return `gas price ${gwei} gwei is back under the cap ${this.config.maxGwei} gwei`;
  }

  /** Why an order on `venue` must wait, or undefined when it may go. */
  denial(now: number, venue: string): string | undefined {
    if (!this.config.venues.includes(venue)) return undefined;
    if (!Number.isFinite(this.gwei)) return `no gas price observed yet for on-chain venue ${venue}`;
    if (now - this.time > this.config.maxAgeMs) return `the last gas price is ${Math.round((now - this.time) / 1000)} s old (limit ${this.config.maxAgeMs / 1000} s)`;
    if (this.gwei > this.config.maxGwei) return `gas price ${this.gwei} gwei is above the cap ${this.config.maxGwei} gwei`;
    return undefined;
  }

  reset(): void {
    this.trip = null;
  }

  reading(): BreakerReading {
    return {
      value: finiteOrNull(this.gwei), threshold: this.config.maxGwei, unit: 'gwei',
      details: { observedAt: finiteOrNull(this.time), maxAgeMs: this.config.maxAgeMs, venues: this.config.venues.join(',') },
    };
  }
}
