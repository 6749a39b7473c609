/**
 * Random trading sessions for property tests: bars, orders of every type, size and time in
 * force, cancels and modifications, under random latency, volume caps, paths and leverage. A
 * session is played on a SimHarness; the properties check what must hold whatever happened.
 */
import fc from 'fast-check';
import type { OrderRequest } from '../../src/model/order.js';
import type { Bar } from '../../src/model/bar.js';
import { simHarness, type SimHarness } from './sim-harness.js';

export type Step =
  | { readonly kind: 'bar'; readonly open: number; readonly up: number; readonly down: number; readonly close: number; readonly volume: number }
  | { readonly kind: 'order'; readonly request: Omit<OrderRequest, 'symbol'> }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'modify'; readonly pick: number; readonly factor: number };

const price = fc.double({ min: 80, max: 120, noNaN: true });
const size = fc.oneof(
  fc.double({ min: 0.1, max: 5, noNaN: true }).map((base) => ({ base })),
  fc.double({ min: 50, max: 400, noNaN: true }).map((quote) => ({ quote })),
  fc.double({ min: 0.01, max: 0.3, noNaN: true }).map((equityFraction) => ({ equityFraction })),
);
const side = fc.constantFrom('buy' as const, 'sell' as const);
const tif = fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const, 'DAY' as const);

export const requestArb: fc.Arbitrary<Omit<OrderRequest, 'symbol'>> = fc.oneof(
  fc.record({ side, size, timeInForce: tif, reduceOnly: fc.boolean() }).map((r) => ({ ...r, type: 'market' as const })),
  fc.record({ side, size, timeInForce: tif, price, reduceOnly: fc.boolean(), postOnly: fc.boolean() }).map((r) => ({ ...r, type: 'limit' as const })),
  fc.record({ side, size, triggerPrice: price, reduceOnly: fc.boolean() }).map((r) => ({ ...r, type: 'stop-market' as const })),
  fc.record({ side, size, triggerPrice: price, offset: fc.double({ min: 0.01, max: 0.1, noNaN: true }) })
    .map(({ offset, ...r }) => ({ ...r, type: 'stop-market' as const, trailing: { offset } })),
  fc.record({ side, size, triggerPrice: price, price }).map((r) => ({ ...r, type: 'stop-limit' as const })),
);

const barStep = fc
  .record({ open: price, up: fc.double({ min: 0, max: 8, noNaN: true }), down: fc.double({ min: 0, max: 8, noNaN: true }), close: fc.double({ min: 0, max: 1, noNaN: true }), volume: fc.double({ min: 1, max: 100, noNaN: true }) })
  .map((b) => ({ kind: 'bar' as const, ...b }));

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: barStep },
  { weight: 3, arbitrary: requestArb.map((r) => ({ kind: 'order' as const, request: r })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })) },
  { weight: 1, arbitrary: fc.record({ pick: fc.nat(), factor: fc.double({ min: 0.95, max: 1.05, noNaN: true }) }).map((m) => ({ kind: 'modify' as const, ...m })) },
);

export const scenarioArb = fc.record({
  steps: fc.array(stepArb, { minLength: 5, maxLength: 40 }),
  latency: fc.constantFrom(0, 20 * 60_000, 200 * 60_000),
  cap: fc.constantFrom(null, 0.5),
  path: fc.constantFrom('nearest' as const, 'freqtrade' as const, 'high-first' as const),
  leverage: fc.constantFrom(1, 3),
  account: fc.constantFrom('margin' as const, 'cash' as const),
});

export type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Plays a session; `bars` receives every bar fed, in order. */
export function playScenario(scenario: Scenario, bars: Bar[] = []): SimHarness {
  const cash = scenario.account === 'cash';
  const h = simHarness({
    sim: { latencyMs: scenario.latency, maxVolumeShare: scenario.cap, path: scenario.path, fees: { maker: 0.0002, taker: 0.001 } },
    account: { type: scenario.account, leverage: cash ? 1 : scenario.leverage },
  });
  for (const s of scenario.steps) {
    if (s.kind === 'bar') {
      const high = s.open + s.up;
      const low = Math.max(1, s.open - s.down);
      bars.push(h.bar(s.open, high, low, low + (high - low) * s.close, s.volume));
    } else if (s.kind === 'order') {
      h.submit(s.request);
    } else {
      const open = h.execution.open();
      if (open.length === 0) continue;
      const order = open[s.pick % open.length]!;
      if (s.kind === 'cancel') h.cancel(order);
      else if (order.price !== undefined) h.modify(order, { price: order.price * s.factor });
      else if (order.triggerPrice !== undefined && order.trailing === undefined) h.modify(order, { triggerPrice: order.triggerPrice * s.factor });
    }
  }
  return h;
}
