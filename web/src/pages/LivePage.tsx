/**
 * Live chart: the session's candles with chosen indicators, buy/sell markers from fills, and the
 * entry, stop and target of the open position; new bars and fills arrive over `/ws`.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CandleDto, ChartOhlcv, Decision, Fill, IndicatorInfo, Order, Position, SymbolInfo } from '../api/types.js';
import { CandleChart, type Marker } from '../components/charts.js';
import { levelsFor } from '../lib/levels.js';
import { DataTable, Empty, ErrorBanner, Field, Loading, Panel, Stat } from '../components/ui.js';
import { money, price, quantity, signed, tone, utc } from '../lib/format.js';
import { useLive, useLiveBatches, useResource } from '../lib/hooks.js';
import { overlayColors, overlaysFrom, quickIndicators, specProblem } from '../lib/indicators.js';
import { barTimeOf, timeframeMs } from '../lib/series.js';
import { href } from '../lib/route.js';

const LIMIT = 500;

export function LivePage() {
  const symbols = useResource<{ symbols: SymbolInfo[] }>('/api/v1/symbols');
  const [symbol, setSymbol] = useState<string | undefined>(undefined);
  const list = symbols.data?.symbols ?? [];
  const info = list.find((s) => s.symbol === symbol) ?? list[0];

  const firstSymbol = list[0]?.symbol;
  useEffect(() => {
    if (symbol === undefined && firstSymbol !== undefined) setSymbol(firstSymbol);
  }, [symbol, firstSymbol]);

  return (
    <div className="stack">
      <ErrorBanner error={symbols.error} onRetry={symbols.reload} />
      {symbols.loading && !symbols.data ? <Loading what="instruments" /> : null}
      {symbols.data && list.length === 0 ? <Empty>The session has no instruments yet.</Empty> : null}
      {info ? <SymbolChart key={`${info.symbol} ${info.timeframe}`} info={info} symbols={list} onSymbol={setSymbol} /> : null}
    </div>
  );
}

function SymbolChart({ info, symbols, onSymbol }: { info: SymbolInfo; symbols: SymbolInfo[]; onSymbol: (s: string) => void }) {
  const [specs, setSpecs] = useState<string[]>(['ema(period=20)', 'ema(period=50)', 'rsi(period=14)']);
  const [custom, setCustom] = useState('');
  const [customProblem, setCustomProblem] = useState<string | undefined>(undefined);
  const catalogue = useResource<{ indicators: IndicatorInfo[] }>('/api/v1/indicators');
  const chart = useResource<ChartOhlcv>('/api/v1/ai/chart/ohlcv', {
    query: { ticker: info.symbol, timeframe: info.timeframe, limit: LIMIT, indicators: specs.join(',') || undefined },
  });
  const fills = useResource<{ fills: Fill[] }>('/api/v1/fills', { query: { symbol: info.symbol, limit: 500 } });
  const orders = useResource<{ orders: Order[] }>('/api/v1/orders', { query: { status: 'open', symbol: info.symbol }, intervalMs: 5000 });
  const positions = useResource<{ positions: Position[] }>('/api/v1/positions', { intervalMs: 5000 });
  const decisions = useResource<{ decisions: Decision[] }>('/api/v1/decisions', { query: { symbol: info.symbol, limit: 1 }, intervalMs: 10_000 });
  const [liveBars, setLiveBars] = useState<CandleDto[]>([]);
  const [liveFills, setLiveFills] = useState<Fill[]>([]);
  const refetch = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // New bars draw at once; indicators follow with a throttled reload of the chart endpoint.
  useLiveBatches('candles', (items) => {
    const mine = (items as Array<(CandleDto & { symbol?: string; timeframe?: string }) | null>)
      .filter((bar): bar is CandleDto & { symbol?: string; timeframe?: string } => !!bar && bar.symbol === info.symbol && (!bar.timeframe || bar.timeframe === info.timeframe));
    if (mine.length === 0) return;
    setLiveBars((bars) => {
      const next = [...bars];
      for (const bar of mine) {
        if (next.length > 0 && next[next.length - 1]!.time === bar.time) next[next.length - 1] = bar;
        else if (next.length === 0 || bar.time > next[next.length - 1]!.time) next.push(bar);
      }
      return next.slice(-LIMIT);
    });
    if (refetch.current === undefined) {
      refetch.current = setTimeout(() => {
        refetch.current = undefined;
        chart.reload();
      }, 2000);
    }
  });
  useEffect(() => () => clearTimeout(refetch.current), []);
  useLive('fills', (data) => {
    const fill = data as Fill | null;
    if (fill && fill.symbol === info.symbol) {
      setLiveFills((f) => [fill, ...f].slice(0, 500));
      orders.reload();
      positions.reload();
    }
  });
  useLive('orders', () => orders.reload());
  useLive('decisions', (data) => {
    if ((data as Decision | null)?.symbol === info.symbol) decisions.reload();
  });

  const candles = useMemo(() => {
    const base = chart.data?.candles ?? [];
    const lastTime = base[base.length - 1]?.time ?? -Infinity;
    const newer = liveBars.filter((b) => b.time > lastTime);
    return newer.length ? [...base, ...newer].slice(-Math.max(LIMIT, base.length)) : base;
  }, [chart.data, liveBars]);

  const overlays = useMemo(() => overlaysFrom(chart.data, catalogue.data?.indicators ?? []), [chart.data, catalogue.data]);

  const allFills = useMemo(() => {
    const seen = new Set<string>();
    const out: Fill[] = [];
    for (const f of [...liveFills, ...(fills.data?.fills ?? [])]) {
      if (seen.has(f.trade_id)) continue;
      seen.add(f.trade_id);
      out.push(f);
    }
    return out.sort((a, b) => b.time - a.time);
  }, [fills.data, liveFills]);

  const markers = useMemo<Marker[]>(() => {
    const times = candles.map((c) => c.time);
    const barMs = timeframeMs(info.timeframe);
    const out: Marker[] = [];
    for (const f of allFills) {
      const t = barTimeOf(f.time, times, barMs);
      if (t === undefined) continue;
      // Prices would overlap where fills cluster; the table below has them.
      out.push({ time: t, side: f.side === 'sell' ? 'sell' : 'buy', text: f.side === 'sell' ? 'S' : 'B' });
    }
    return out;
  }, [allFills, candles, info.timeframe]);

  const position = positions.data?.positions.find((p) => p.symbol === info.symbol && p.quantity !== 0);
  const latestDecision = decisions.data?.decisions[0];
  const levels = useMemo(() => levelsFor(position, orders.data?.orders ?? [], latestDecision), [position, orders.data, latestDecision]);

  const toggle = (spec: string) => setSpecs((s) => (s.includes(spec) ? s.filter((x) => x !== spec) : [...s, spec]));
  const addCustom = () => {
    const problem = specProblem(custom);
    setCustomProblem(problem);
    if (problem) return;
    const spec = custom.trim();
    if (!specs.includes(spec)) setSpecs((s) => [...s, spec]);
    setCustom('');
  };
  const chips = [...new Set([...quickIndicators, ...specs])];
  const last = candles[candles.length - 1];
  const prev = candles[candles.length - 2];

  return (
    <>
      <Panel
        title={`${info.symbol} · ${info.timeframe}`}
        actions={
          <>
            <Field label="Instrument">
              {(id) => (
                <select id={id} value={info.symbol} onChange={(e) => onSymbol(e.target.value)} data-testid="symbol-select">
                  {symbols.map((s) => <option key={`${s.symbol} ${s.timeframe}`} value={s.symbol}>{s.symbol} ({s.timeframe})</option>)}
                </select>
              )}
            </Field>
          </>
        }
      >
        <div className="grid stats">
          <Stat label="Last close" value={price(last?.close)} tone={last && prev ? tone(last.close - prev.close) : ''} hint={last ? utc(last.time) : undefined} testId="last-close" />
          <Stat label="Bars shown" value={candles.length} hint={chart.data?.source ? `source: ${chart.data.source}` : undefined} />
          <Stat label="Position" value={position ? `${position.side} ${quantity(Math.abs(position.quantity))}` : 'flat'} hint={position ? `avg ${price(position.avg_price)}` : undefined} />
          <Stat label="Unrealised P&L" value={position ? signed(position.unrealized_pnl) : '—'} tone={tone(position?.unrealized_pnl)} />
        </div>
        <fieldset>
          <legend>Indicators</legend>
          <div className="chips" role="group" aria-label="Indicators on the chart">
            {chips.map((spec) => {
              const on = specs.includes(spec);
              const colour = overlays.find((o) => o.id.startsWith(`${spec}:`))?.color;
              return (
                <label key={spec} className="chip">
                  <input type="checkbox" checked={on} onChange={() => toggle(spec)} />
                  {on && colour ? <span className="chip-swatch" style={{ background: colour }} aria-hidden="true" /> : null}
                  {spec}
                </label>
              );
            })}
          </div>
          <form className="row" style={{ marginTop: 8 }} onSubmit={(e) => { e.preventDefault(); addCustom(); }}>
            <label htmlFor="custom-indicator" className="muted">Add</label>
            <input id="custom-indicator" value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="sma(period=30)" list="indicator-names" aria-invalid={customProblem ? true : undefined} aria-describedby={customProblem ? 'custom-indicator-problem' : undefined} />
            <datalist id="indicator-names">{(catalogue.data?.indicators ?? []).map((i) => <option key={i.name} value={i.name}>{i.description}</option>)}</datalist>
            <button type="submit" className="btn small">Add indicator</button>
            {customProblem ? <span id="custom-indicator-problem" className="down">{customProblem}</span> : null}
          </form>
        </fieldset>
        <ErrorBanner error={chart.error} onRetry={chart.reload} />
        {chart.loading && !chart.data ? <Loading what="candles" /> : null}
        <CandleChart candles={candles} overlays={overlays} markers={markers} levels={levels} label={`${info.symbol} ${info.timeframe} candles`} height={480} />
        <div className="legend" aria-label="Legend">
          <span><span className="up">▲</span> buy fill</span>
          <span><span className="down">▼</span> sell fill</span>
          <span style={{ color: '#c9a227' }}>┈ entry</span>
          <span className="down">╌ stop</span>
          <span className="up">╌ target</span>
          {overlays.map((o, i) => <span key={o.id} style={{ color: o.color ?? overlayColors[i] }}>━ {o.label}{o.pane > 0 ? ' (lower pane)' : ''}</span>)}
        </div>
      </Panel>
      <div className="grid two">
        <Panel title="Fills on this chart" actions={<a href={href('portfolio')}>Portfolio →</a>}>
          <ErrorBanner error={fills.error} onRetry={fills.reload} />
          <DataTable
            rows={allFills}
            caption={`Fills of ${info.symbol}`}
            rowKey={(f) => f.trade_id}
            max={8}
            empty="No fills yet."
            columns={[
              { key: 'time', header: 'Time (UTC)', cell: (f) => utc(f.time) },
              { key: 'side', header: 'Side', cell: (f) => <span className={f.side === 'buy' ? 'up' : 'down'}>{f.side}</span> },
              { key: 'qty', header: 'Quantity', numeric: true, cell: (f) => quantity(f.quantity) },
              { key: 'price', header: 'Price', numeric: true, cell: (f) => price(f.price) },
              { key: 'fee', header: 'Fee', numeric: true, cell: (f) => money(f.fee) },
            ]}
          />
        </Panel>
        <Panel title="Latest decision" actions={<a href={href('decisions')}>All decisions →</a>}>
          <ErrorBanner error={decisions.error} onRetry={decisions.reload} />
          {latestDecision ? (
            <div className="stack" style={{ gap: 6 }}>
              <div className="row">
                <strong>{latestDecision.action.toUpperCase()}</strong>
                <span className="muted">{utc(latestDecision.created_at)}</span>
                <span className="muted">confidence {(latestDecision.confidence * 100).toFixed(0)}%</span>
                <span className="muted">{latestDecision.votes.length} votes</span>
              </div>
              {latestDecision.reasoning ? <p className="reasoning">{latestDecision.reasoning}</p> : null}
              <div className="row muted">
                <span>stop {price(latestDecision.stop_loss)}</span>
                <span>target {price(latestDecision.take_profit)}</span>
              </div>
            </div>
          ) : decisions.data ? <Empty>No decision for {info.symbol} yet.</Empty> : null}
        </Panel>
      </div>
    </>
  );
}
