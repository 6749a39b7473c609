/**
 * Buy and hold: buy each symbol at the first opportunity (the second bar's open, since orders
 * sent at a close fill at the next open) with an equal share of the cash, and keep it to the end.
 * The benchmark every other strategy has to beat after fees.
 */
import { defineStrategy, z } from 'arbiter/strategy';

export default defineStrategy({
  name: 'buy-and-hold',
  description: 'Buy every symbol on the first bar with an equal share of the cash and hold to the end',
  params: z.strictObject({}),
  setup({ symbols }) {
    const bought = new Set<string>();
    return {
      onBar(bar, ctx) {
        if (bought.has(bar.symbol)) return;
        // Orders sized as a share of the buying power left when they fill: 1/3, then 1/2 of the
        // rest, then all of it, so that N symbols each get 1/N.
        const share = 1 / (symbols.length - bought.size);
        const order = ctx.enterLong({ tag: 'buy_and_hold', size: { equityFraction: share } });
        // A rejected order (say, too little cash for one lot) is retried on the next bar.
        if (order && order.status !== 'rejected') bought.add(bar.symbol);
      },
    };
  },
});
