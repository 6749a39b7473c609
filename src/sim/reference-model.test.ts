/**
 * Differential test: the SimulatedExchange against a reference model written here from the
 * documented rules alone (docs/backtesting.md, "How a bar is simulated"), on random bars. One
 * position and one exit order — a limit, a stop, a trailing stop with or
 * without an activation price, or a stop-limit — for longs and shorts, with latency, under each fixed
 * path mode and both gap conventions. The reference walks the straight legs of each bar
 * analytically: a limit fills at its price where the path reaches it or at a better open; a stop
 * at its trigger or at a worse open; a stop-limit at its stop if its limit allows, else it rests as
 * that limit; a trailing stop's trigger is max(initial, best price since it started × (1 − offset)),
 * never lower (mirrored for shorts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simHarness } from '../../test/kit/sim-harness.js';
import type { IntrabarPath } from './path.js';

type Exit =
  | { readonly kind: 'limit'; readonly price: number }
  | { readonly kind: 'stop'; readonly trigger: number }
  | { readonly kind: 'stop-limit'; readonly trigger: number; readonly price: number }
  | { readonly kind: 'trailing'; readonly trigger: number; readonly offset: number; readonly activation?: number };

interface Ohlc { readonly o: number; readonly h: number; readonly l: number; readonly c: number }

/** The four path points of a bar by the documented rules. */
function points(mode: IntrabarPath, b: Ohlc): number[] {
  const nearerHigh = b.h - b.o < b.o - b.l;
  const highFirst = mode === 'high-first' || (mode === 'nearest' && nearerHigh) || (mode === 'candle-color' && (b.c < b.o || (b.c === b.o && nearerHigh)));
  return highFirst ? [b.o, b.h, b.l, b.c] : [b.o, b.l, b.h, b.c];
}

function at(p: readonly number[], s: number): number {
  const k = Math.min(2, Math.floor(s));
  return p[k]! + (p[k + 1]! - p[k]!) * (s - k);
}

/**
 * Where the reference fills the exit of a long (`side` 1, a sell) or a short (`side` −1, a buy),
 * whose walk starts at position `from` of bar 0 (the latency): bar index, s, price; undefined if
 * never. Written for a long; a short is the same with "up" and "down" swapped: `side` multiplies
 * every comparison.
 */
function reference(mode: IntrabarPath, bars: readonly Ohlc[], given: Exit, side: 1 | -1, from: number, gapFills: 'market' | 'level'): { bar: number; s: number; price: number } | undefined {
  let exit = given;
  // In "favourable" terms: f(x) = side × x grows when the position gains.
  const f = (x: number): number => side * x;
  let best = Number.NEGATIVE_INFINITY; // favourable units
  let active = exit.kind === 'trailing' && exit.activation === undefined;
  let trigger = exit.kind === 'limit' ? Number.NaN : exit.trigger; // price units
  const follow = (price: number): void => {
    if (exit.kind !== 'trailing') return;
    if (!active && f(price) >= f(exit.activation!)) active = true;
    if (!active) return;
    best = Math.max(best, f(price));
    const level = side * best * (1 - side * exit.offset); // best × (1 − offset) long, × (1 + offset) short
    if (f(level) > f(trigger)) trigger = level;
  };
  /** A stop-limit reached its stop at (bar, s, price): fill there if the limit allows, else rest as a limit. */
  const triggered = (i: number, s: number, price: number): { bar: number; s: number; price: number } | undefined => {
    if (exit.kind !== 'stop-limit') return { bar: i, s, price };
    if (f(price) >= f(exit.price)) return { bar: i, s, price };
    exit = { kind: 'limit', price: exit.price };
    return undefined;
  };
  for (let i = 0; i < bars.length; i++) {
    const b0 = bars[i]!;
    const p = points(mode, b0);
    const s0 = i === 0 ? from : 0;
    for (;;) {
      const start = at(p, s0);
      // Where the walk starts is a price reached like any other: a trailing stop follows it first,
      // and a level already beyond it fills there (or at the level, clamped, under `level`).
      follow(start);
      if (exit.kind === 'limit' && f(start) >= f(exit.price)) {
        return { bar: i, s: s0, price: gapFills === 'level' ? Math.min(b0.h, Math.max(b0.l, exit.price)) : start };
      }
      if (exit.kind !== 'limit' && f(start) <= f(trigger)) {
        const price = gapFills === 'level' && trigger >= b0.l && trigger <= b0.h ? trigger : start;
        const done = triggered(i, s0, price);
        if (done) return done;
        continue; // now a resting limit, from the same point
      }
      break;
    }
    for (let k = Math.floor(s0); k < 3; k++) {
      const legStart = Math.max(k, s0);
      const a = at(p, legStart);
      const b = p[k + 1]!;
      const cross = (level: number): number => legStart + ((level - a) / (b - a)) * (k + 1 - legStart);
      if (exit.kind === 'limit') {
        if (f(b) >= f(exit.price) && f(a) < f(exit.price)) return { bar: i, s: cross(exit.price), price: exit.price };
        continue;
      }
      if (f(b) < f(a)) {
        // Against the position: the trigger stays where it is.
        if (f(b) <= f(trigger) && f(a) > f(trigger)) {
          const done = triggered(i, cross(trigger), trigger);
          if (done) return done;
          // Triggered inside the leg; the rest of this leg moves against the limit, so it waits.
        }
      } else {
        // In its favour: a trailing stop follows, and the price stays beyond it.
        follow(b);
      }
    }
  }
  return undefined;
}

const bar = fc
  .record({ o: fc.integer({ min: 900, max: 1100 }), up: fc.integer({ min: 0, max: 60 }), down: fc.integer({ min: 0, max: 60 }), c: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ o, up, down, c }): Ohlc => {
    const h = (o + up) / 10;
    const l = (o - down) / 10;
    return { o: o / 10, h, l, c: l + (h - l) * c };
  });

/** An exit for a long; `mirror` turns it into the matching exit for a short around 100. */
const exitArb: fc.Arbitrary<Exit> = fc.oneof(
  fc.integer({ min: 1000, max: 1150 }).map((p) => ({ kind: 'limit' as const, price: p / 10 })),
  fc.integer({ min: 850, max: 1000 }).map((t) => ({ kind: 'stop' as const, trigger: t / 10 })),
  fc.record({ t: fc.integer({ min: 850, max: 1000 }), d: fc.integer({ min: -30, max: 30 }) }).map(({ t, d }) => ({ kind: 'stop-limit' as const, trigger: t / 10, price: (t + d) / 10 })),
  fc.record({ trigger: fc.integer({ min: 800, max: 950 }), offset: fc.integer({ min: 1, max: 8 }), activation: fc.option(fc.integer({ min: 1000, max: 1100 }), { nil: undefined }) })
    .map(({ trigger, offset, activation }) => ({ kind: 'trailing' as const, trigger: trigger / 10, offset: offset / 100, ...(activation !== undefined ? { activation: activation / 10 } : {}) })),
);

function mirror(exit: Exit): Exit {
  const m = (x: number): number => 200 - x;
  if (exit.kind === 'limit') return { kind: 'limit', price: m(exit.price) };
  if (exit.kind === 'stop') return { kind: 'stop', trigger: m(exit.trigger) };
  if (exit.kind === 'stop-limit') return { kind: 'stop-limit', trigger: m(exit.trigger), price: m(exit.price) };
  return { ...exit, trigger: m(exit.trigger), ...(exit.activation !== undefined ? { activation: m(exit.activation) } : {}) };
}

const MIN = 60_000;

describe('SimulatedExchange = reference model', () => {
  it.each(['nearest', 'high-first', 'low-first', 'candle-color'] as const)('exit fills agree with the reference on random bars (%s path)', (mode) => {
    fc.assert(
      fc.property(
        fc.array(bar, { minLength: 1, maxLength: 12 }), exitArb, fc.constantFrom(1 as const, -1 as const), fc.constantFrom(0, 30, 75, 150), fc.constantFrom('market' as const, 'level' as const),
        (bars, longExit, side, latencyMinutes, gapFills) => {
          const exit = side === 1 ? longExit : mirror(longExit);
          const h = simHarness({ sim: { path: mode, latencyMs: latencyMinutes * MIN, gapFills } });
          // The position opens where the orders arrive in bar 0; the exit order (sent after it) works from the same instant.
          h.submit({ side: side === 1 ? 'buy' : 'sell', type: 'market', size: { base: 1 } });
          const exitSide = side === 1 ? 'sell' : 'buy';
          const order =
            exit.kind === 'limit'
              ? h.submit({ side: exitSide, type: 'limit', price: exit.price, size: { base: 1 } })
              : exit.kind === 'stop-limit'
              ? h.submit({ side: exitSide, type: 'stop-limit', triggerPrice: exit.trigger, price: exit.price, size: { base: 1 } })
              : h.submit({
                  side: exitSide, type: 'stop-market', triggerPrice: exit.trigger, size: { base: 1 },
                  ...(exit.kind === 'trailing' ? { trailing: { offset: exit.offset, ...(exit.activation !== undefined ? { activationPrice: exit.activation } : {}) } } : {}),
                });
          for (const b of bars) h.bar(b.o, b.h, b.l, b.c);
          const legMs = h.tf / 3;
          const expected = reference(mode, bars, exit, side, (latencyMinutes * MIN) / legMs, gapFills);
          const fills = h.fillsOf(order);
          if (expected === undefined) {
            expect(fills).toEqual([]);
            return;
          }
          expect(fills).toHaveLength(1);
          expect(fills[0]!.price).toBeCloseTo(expected.price, 9);
          expect(Math.abs(fills[0]!.time - (h.time(expected.bar) + expected.s * legMs))).toBeLessThan(1);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });
});
