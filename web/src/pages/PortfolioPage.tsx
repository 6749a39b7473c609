/** Portfolio: account, equity curve and drawdown, positions, open orders, fills, closed trades. */
import { useMemo, useState } from 'react';
import { api } from '../api/client.js';
import type { ClosedTrade, EquityPoint, EquityResponse, Fill, Order, Position } from '../api/types.js';
import { SeriesChart } from '../components/charts.js';
import { DataTable, ErrorBanner, Loading, Panel, Stat } from '../components/ui.js';
import { money, pct, price, quantity, signed, tone, utc } from '../lib/format.js';
import { useAction, useLive, useLiveBatches, useResource, useThrottled } from '../lib/hooks.js';
import { hasScope, useSession } from '../lib/session.js';
import { drawdown, maxDrawdown, type Point } from '../lib/series.js';

export function PortfolioPage() {
  const { account, whoami } = useSession();
  const equity = useResource<EquityResponse>('/api/v1/equity', { query: { limit: 5000 }, intervalMs: 30_000 });
  const positions = useResource<{ positions: Position[] }>('/api/v1/positions', { intervalMs: 5000 });
  const orders = useResource<{ orders: Order[] }>('/api/v1/orders', { query: { status: 'open' }, intervalMs: 5000 });
  const fills = useResource<{ fills: Fill[] }>('/api/v1/fills', { query: { limit: 200 }, intervalMs: 15_000 });
  const trades = useResource<{ trades: ClosedTrade[] }>('/api/v1/trades', { query: { limit: 200 }, intervalMs: 15_000 });
  const [livePoints, setLivePoints] = useState<EquityPoint[]>([]);

  const refreshBook = useThrottled(() => {
    positions.reload();
    orders.reload();
  }, 1000);
  const refreshHistory = useThrottled(() => {
    fills.reload();
    trades.reload();
  }, 2000);
  useLiveBatches('pnl', (items) => {
    const points: EquityPoint[] = [];
    for (const item of items) {
      const p = item as { time?: number; equity?: number; drawdown?: number | null } | null;
      if (p && typeof p.time === 'number' && typeof p.equity === 'number') points.push({ time: p.time, equity: p.equity, drawdown: p.drawdown ?? null });
    }
    if (points.length > 0) setLivePoints((pts) => [...pts, ...points].slice(-5000));
  });
  useLive('orders', refreshBook);
  useLive('positions', refreshBook);
  useLive('fills', () => {
    refreshBook();
    refreshHistory();
  });

  const curve = useMemo<Point[]>(() => {
    const base = equity.data?.points ?? [];
    const last = base[base.length - 1]?.time ?? -Infinity;
    return [...base, ...livePoints.filter((p) => p.time > last)].map((p) => ({ time: p.time, value: p.equity }));
  }, [equity.data, livePoints]);
  // The API sends each point's drawdown; computing it from the curve keeps live points consistent.
  const dd = useMemo(() => drawdown(curve), [curve]);
  const worst = equity.data?.max_drawdown ?? null;
  const maxDd = Math.min(worst ?? 0, maxDrawdown(curve));

  const canTrade = hasScope(whoami.data?.scopes, 'trade');
  const cancel = useAction((id: string) => api(`/api/v1/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} }));
  const a = account.data;

  return (
    <div className="stack">
      <ErrorBanner error={account.error} onRetry={account.reload} />
      <div className="grid stats" data-testid="account-stats">
        <Stat label="Equity" value={money(a?.equity)} hint={a ? `${a.currency} · ${a.open_positions} open, ${a.closed_trades} closed trades` : undefined} testId="equity" />
        <Stat label="Total P&L" value={signed(a?.total_pnl)} tone={tone(a?.total_pnl)} hint={a?.return_pct !== undefined && a.return_pct !== null ? pct(a.return_pct) : undefined} />
        <Stat label="Realised" value={signed(a?.realized_pnl)} tone={tone(a?.realized_pnl)} />
        <Stat label="Unrealised" value={signed(a?.unrealized_pnl)} tone={tone(a?.unrealized_pnl)} />
        <Stat label="Cash" value={money(a?.balance)} hint={a ? `started with ${money(a.starting_balance)}` : undefined} />
        <Stat label="Max drawdown" value={pct(maxDd)} tone={maxDd < 0 ? 'down' : ''} />
      </div>

      <Panel title="Equity">
        <ErrorBanner error={equity.error} onRetry={equity.reload} />
        {equity.loading && !equity.data ? <Loading what="the equity curve" /> : null}
        <SeriesChart label="Equity curve" testId="equity-chart" height={260} series={[{ id: 'equity', label: 'Equity', kind: 'area', points: curve }]} />
        <h3>Drawdown</h3>
        <SeriesChart label="Drawdown" testId="drawdown-chart" height={150} series={[{ id: 'dd', label: 'Drawdown', kind: 'area', color: '#ef5350', points: dd, percent: true }]} />
      </Panel>

      <div className="grid two">
        <Panel title="Positions">
          <ErrorBanner error={positions.error} onRetry={positions.reload} />
          {positions.data ? (
            <DataTable
              rows={positions.data.positions.filter((p) => p.quantity !== 0)}
              caption="Open positions"
              rowKey={(p) => p.symbol}
              testId="positions-table"
              empty="Flat: no open positions."
              columns={[
                { key: 'symbol', header: 'Symbol', cell: (p) => <strong>{p.symbol}</strong> },
                { key: 'side', header: 'Side', cell: (p) => <span className={p.side === 'long' ? 'up' : 'down'}>{p.side}</span> },
                { key: 'qty', header: 'Quantity', numeric: true, cell: (p) => quantity(p.quantity) },
                { key: 'avg', header: 'Avg price', numeric: true, cell: (p) => price(p.avg_price) },
                { key: 'mark', header: 'Mark', numeric: true, cell: (p) => price(p.mark_price) },
                { key: 'upnl', header: 'Unrealised', numeric: true, cell: (p) => signed(p.unrealized_pnl), className: (p) => tone(p.unrealized_pnl) },
                { key: 'rpnl', header: 'Realised', numeric: true, cell: (p) => signed(p.realized_pnl), className: (p) => tone(p.realized_pnl) },
                { key: 'opened', header: 'Opened (UTC)', cell: (p) => utc(p.opened_at) },
              ]}
            />
          ) : null}
        </Panel>
        <Panel title="Open orders">
          <ErrorBanner error={orders.error ?? cancel.error} onRetry={orders.reload} />
          {orders.data ? (
            <DataTable
              rows={orders.data.orders}
              caption="Open orders"
              rowKey={(o) => o.id}
              empty="No open orders."
              columns={[
                { key: 'time', header: 'Created (UTC)', cell: (o) => utc(o.created_at) },
                { key: 'symbol', header: 'Symbol', cell: (o) => o.symbol },
                { key: 'side', header: 'Side', cell: (o) => <span className={o.side === 'buy' ? 'up' : 'down'}>{o.side}</span> },
                { key: 'type', header: 'Type', cell: (o) => o.type },
                { key: 'qty', header: 'Quantity', numeric: true, cell: (o) => quantity(o.quantity) },
                { key: 'price', header: 'Price / trigger', numeric: true, cell: (o) => (o.trigger_price !== null ? `${price(o.trigger_price)} ⚑` : price(o.price)) },
                { key: 'filled', header: 'Filled', numeric: true, cell: (o) => quantity(o.filled_quantity) },
                { key: 'status', header: 'Status', cell: (o) => o.status },
                {
                  key: 'cancel', header: <span className="sr-only">Cancel</span>, cell: (o) => (
                    <button type="button" className="btn small ghost" disabled={canTrade === false || cancel.pending} title={canTrade === false ? 'needs a token with the trade scope' : undefined}
                      onClick={() => void cancel.run(o.id).then((r) => { if (r !== undefined) orders.reload(); })} aria-label={`Cancel order ${o.id}`}>
                      Cancel
                    </button>
                  ),
                },
              ]}
            />
          ) : null}
        </Panel>
      </div>

      <div className="grid two">
        <Panel title="Fills">
          <ErrorBanner error={fills.error} onRetry={fills.reload} />
          {fills.data ? (
            <DataTable
              rows={fills.data.fills}
              caption="Fills, newest first"
              rowKey={(f) => f.trade_id}
              max={15}
              testId="fills-table"
              empty="No fills yet."
              columns={[
                { key: 'time', header: 'Time (UTC)', cell: (f) => utc(f.time) },
                { key: 'symbol', header: 'Symbol', cell: (f) => f.symbol },
                { key: 'side', header: 'Side', cell: (f) => <span className={f.side === 'buy' ? 'up' : 'down'}>{f.side}</span> },
                { key: 'qty', header: 'Quantity', numeric: true, cell: (f) => quantity(f.quantity) },
                { key: 'price', header: 'Price', numeric: true, cell: (f) => price(f.price) },
                { key: 'fee', header: 'Fee', numeric: true, cell: (f) => money(f.fee) },
                { key: 'tag', header: 'Tag', cell: (f) => f.tag ?? '' },
              ]}
            />
          ) : null}
        </Panel>
        <Panel title="Closed trades">
          <ErrorBanner error={trades.error} onRetry={trades.reload} />
          {trades.data ? <TradeTable trades={trades.data.trades} /> : null}
        </Panel>
      </div>
    </div>
  );
}

function TradeTable({ trades }: { trades: ClosedTrade[] }) {
  return (
    <DataTable
      rows={trades}
      caption="Closed trades"
      rowKey={(t) => t.id}
      max={15}
      empty="No closed trades yet."
      columns={[
        { key: 'exit', header: 'Closed (UTC)', cell: (t) => utc(t.exit_time) },
        { key: 'symbol', header: 'Symbol', cell: (t) => t.symbol },
        { key: 'side', header: 'Side', cell: (t) => t.side },
        { key: 'entry', header: 'Entry', numeric: true, cell: (t) => price(t.entry_price) },
        { key: 'exitp', header: 'Exit', numeric: true, cell: (t) => price(t.exit_price) },
        { key: 'pnl', header: 'P&L', numeric: true, cell: (t) => signed(t.pnl), className: (t) => tone(t.pnl) },
        { key: 'ret', header: 'Return', numeric: true, cell: (t) => pct(t.return_pct), className: (t) => tone(t.return_pct) },
        { key: 'reason', header: 'Exit reason', cell: (t) => t.exit_reason ?? '' },
      ]}
    />
  );
}
