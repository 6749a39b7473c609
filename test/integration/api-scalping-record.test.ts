/**
 * The session's decision core switched off: by default it files nothing (an idle core costs the
 * database nothing); with `record: true` (what `npm start` uses) every decision is filed with its
 * votes, so the dashboard shows what the core would do, while it still places no order.
 */
import { describe, expect, it } from 'vitest';
import { apiHarness } from './api-kit.js';

async function decisionsAfter(record: boolean | undefined) {
  const h = await apiHarness({ session: { scalping: { preset: 'conservative', ...(record !== undefined ? { record } : {}) } }, warmBars: 120 });
  try {
    await h.session.stop();
    const stored = await h.storage.decisions.list({ limit: 1000 });
    const scalperOrders = h.session.kernel.execution.all().filter((o) => o.clientOrderId.startsWith(h.session.scalpingIdPrefix));
    return { stored, scalperOrders };
  } finally {
    await h.close();
  }
}

describe('the decision core switched off', () => {
  it('files no decision by default', async () => {
    const { stored, scalperOrders } = await decisionsAfter(undefined);
    expect(stored).toEqual([]);
    expect(scalperOrders).toEqual([]);
  });

  it('with record: true files every decision with its votes, and still trades nothing', async () => {
    const { stored, scalperOrders } = await decisionsAfter(true);
    expect(stored.length).toBeGreaterThan(50);
    for (const d of stored) {
      expect(d.strategy).toBe('scalping-conservative');
      expect(d.votes.map((v) => v.head).sort()).toEqual(['orderflow', 'rules', 'technical']);
    }
    expect(scalperOrders).toEqual([]);
  });
});
