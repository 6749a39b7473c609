/**
 * Wires the notification adapters to the session: fills and risk events go to the Telegram chat;
 * the outgoing webhook gets the events its config lists (`fills`, `orders`, `risk`, `decisions`:
 * the decision core's buy/sell/close decisions, as `GET /api/v1/decisions/{id}` shows them). The
 * Telegram bot's `/status`, `/trades` and `/stop` read and steer the session (a confirmed `/stop`
 * halts trading through the risk engine and is audited with the Telegram user as actor). Both are
 * off unless configured; failures are logged (secrets scrubbed) and never reach the server.
 */
import { TelegramBot, WebhookNotifier } from '../adapters/notify/index.js';
import type { Unsubscribe } from '../bus/message-bus.js';
import { toDecisionRecord } from '../consensus/decision.js';
import { redactSecrets, type Logger } from '../core/logger.js';
import type { NotificationHandle } from './app.js';
import type { ApiContext } from './context.js';
import { decisionDto, fillDto, riskEventDto } from './dto.js';

function money(x: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function createNotifications(ctx: ApiContext, logger: Logger): Promise<NotificationHandle> {
  const { telegram: tg, webhook: wh } = ctx.config.notifications;
  const session = ctx.session;
  const scrub = (text: string): string => redactSecrets(text, ctx.secrets);
  let bot: TelegramBot | undefined;
  let hook: WebhookNotifier | undefined;
  const subscriptions: Unsubscribe[] = [];

  if (tg) {
    bot = new TelegramBot({ botToken: tg.botToken, chatId: tg.chatId, apiBase: tg.apiBase, pollTimeoutSec: tg.pollTimeoutSec }, {
      status: () => {
        if (!session) return Promise.resolve('no trading session');
        const p = session.kernel.portfolio;
        const risk = session.kernel.risk.snapshot();
        const positions = p.openPositions().map((x) => `${x.side} ${Math.abs(x.quantity)} ${x.symbol} @ ${money(x.avgPrice)}`).join('; ') || 'flat';
        return Promise.resolve(`${session.mode} ${session.strategyName}: equity ${money(p.equity)} (${((p.equity / session.node.cash - 1) * 100).toFixed(2)}%), ${positions}; trading ${risk.state}; ${p.trades.length} closed trades`);
      },
      trades: () => {
        const trades = session?.kernel.portfolio.trades.slice(-5).reverse() ?? [];
        if (trades.length === 0) return Promise.resolve('no closed trades yet');
        return Promise.resolve(trades.map((t) => `${t.side} ${t.symbol} ${money(t.entryPrice)} → ${money(t.exitPrice)}: ${t.pnl >= 0 ? '+' : ''}${money(t.pnl)} (${t.exitReason})`).join('\n'));
      },
      stop: async (actor) => {
        if (!session) return 'no trading session';
        const result = session.kernel.risk.setTradingState('HALTED', actor, 'stop confirmed in Telegram');
        await ctx.storage?.audit.append({ time: Date.now(), actor, action: 'trading-state.set', subject: 'trading-state', details: { requested: 'HALTED', effective: result.effective, reason: 'stop confirmed in Telegram' } })
          .catch((e: unknown) => logger.error({ err: e }, 'audit write failed'));
        return `Trading is ${result.effective}. Resume from the dashboard or the API (admin).`;
      },
    }, (message) => logger.warn({ error: scrub(message) }, 'telegram'));
    bot.start();
  }
  if (wh) hook = new WebhookNotifier({ url: wh.url, ...(wh.secret ? { secret: wh.secret } : {}) }, (message) => logger.warn({ error: scrub(message) }, 'outgoing webhook'));

  if (session && (bot || hook)) {
    const events = new Set(wh?.events ?? []);
    const bus = session.kernel.bus;
    subscriptions.push(bus.subscribe('order', (event) => {
      if (event.kind === 'order.filled') {
        const f = event.fill;
        bot?.notify(`${f.side === 'buy' ? 'BUY' : 'SELL'} ${f.quantity} ${f.symbol} @ ${money(f.price)} (fee ${money(f.fee)})${f.tag ? ` ${f.tag}` : ''}`);
        if (events.has('fills')) hook?.send('fill', fillDto(f), f.time);
      }
      if (events.has('orders')) hook?.send('order', { kind: event.kind, order_id: event.orderId, symbol: event.symbol, status: event.status }, event.time);
    }));
    subscriptions.push(bus.subscribe('risk-state', (event) => {
      const dto = riskEventDto(event);
      if (event.kind === 'trading-state.changed') bot?.notify(`Trading ${event.from} → ${event.to} by ${event.actor}: ${event.reason}`);
      else if (event.kind === 'breaker.tripped') bot?.notify(`Breaker ${event.breaker} tripped: ${event.reason}`);
      if (events.has('risk')) hook?.send('risk', dto, event.time);
    }));
    if (hook && events.has('decisions')) {
      // The decisions that call for a trade, as they are filed: holds are every bar's non-event,
      // and a decision core that is switched off decides without acting or filing.
      subscriptions.push(bus.subscribe('decision', (decision) => {
        if (decision.action === 'hold' || session.scalping?.isEnabled === false) return;
        hook?.send('decision', decisionDto(toDecisionRecord(decision)), decision.time);
      }));
    }
  }

  return Promise.resolve({
    telegram: bot !== undefined,
    webhook: hook !== undefined,
    async close() {
      for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
      // Each delivers what is queued for a few seconds at most, so an unreachable endpoint cannot hold up shutdown.
      await Promise.all([bot?.stop(), hook?.close()]);
    },
  });
}
