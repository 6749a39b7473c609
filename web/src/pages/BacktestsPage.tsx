/** Backtests: start one as a background job, follow its progress, read the report. */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.js';
import type { BacktestReport, BundledDataSet, Job, StoredRun, StoredSeries, StrategyInfo } from '../api/types.js';
import { SeriesChart } from '../components/charts.js';
import { Badge, DataTable, Empty, ErrorBanner, Field, Loading, Panel, Stat } from '../components/ui.js';
import { count, duration, money, pct, price, quantity, signed, stateTone, tone, utc } from '../lib/format.js';
import { useAction, useLive, useResource } from '../lib/hooks.js';
import { href } from '../lib/route.js';
import { hasScope, useSession } from '../lib/session.js';
import { drawdown, toPoints } from '../lib/series.js';
import { paramValues, type ParamText } from '../lib/params.js';

export function BacktestsPage({ selected }: { selected: string | undefined }) {
  const list = useResource<{ jobs: Job[]; runs: StoredRun[] }>('/api/v1/backtests', { query: { limit: 50 } });
  const running = list.data?.jobs.some((j) => j.status === 'running' || j.status === 'queued') ?? false;
  useEffect(() => {
    if (!running) return undefined;
    const id = setInterval(list.reload, 1500);
    return () => clearInterval(id);
  }, [running, list.reload]);
  useLive('jobs', (data) => {
    const update = data as Partial<Job> | null;
    if (!update?.id) return;
    list.mutate((current) => {
      if (!current) return current;
      const known = current.jobs.some((j) => j.id === update.id);
      if (!known) {
        list.reload();
        return current;
      }
      return { ...current, jobs: current.jobs.map((j) => (j.id === update.id ? { ...j, ...stripLog(update) } : j)) };
    });
  });

  const jobs = list.data?.jobs ?? [];
  return (
    <div className="stack">
      <div className="grid two">
        <NewBacktest onStarted={(job) => { list.reload(); window.location.hash = href('backtests', job.id); }} />
        <Panel title="Runs">
          <ErrorBanner error={list.error} onRetry={list.reload} />
          {list.loading && !list.data ? <Loading what="backtests" /> : null}
          {list.data ? (
            <DataTable
              rows={jobs}
              caption="Backtest jobs, newest first"
              rowKey={(j) => j.id}
              max={12}
              testId="jobs-table"
              empty="No backtest has run in this session yet. Start one on the left."
              columns={[
                { key: 'created', header: 'Started (UTC)', cell: (j) => <a href={href('backtests', j.id)} aria-current={j.id === selected ? 'true' : undefined}>{utc(j.created_at)}</a> },
                { key: 'strategy', header: 'Strategy · data', cell: (j) => <>{show(j.request?.strategy)} <span className="muted">· {describeData(j.request)}</span></> },
                { key: 'status', header: 'Status', cell: (j) => <JobStatusCell job={j} /> },
                { key: 'return', header: 'Return', numeric: true, cell: (j) => pct(j.summary?.total_return), className: (j) => tone(j.summary?.total_return) },
                { key: 'trades', header: 'Trades', numeric: true, cell: (j) => count(j.summary?.trades) },
              ]}
            />
          ) : null}
          {list.data && list.data.runs.length > 0 ? (
            <details>
              <summary className="muted">Stored runs ({list.data.runs.length})</summary>
              <DataTable
                rows={list.data.runs}
                caption="Backtest runs stored in the database"
                rowKey={(r) => r.id}
                max={10}
                columns={[
                  { key: 'created', header: 'Created (UTC)', cell: (r) => <a href={href('backtests', r.id)}>{utc(r.created_at)}</a> },
                  { key: 'strategy', header: 'Strategy', cell: (r) => r.strategy },
                  { key: 'period', header: 'Period', cell: (r) => `${utc(r.period_start).slice(0, 10)} → ${utc(r.period_end).slice(0, 10)}` },
                  { key: 'trades', header: 'Trades', numeric: true, cell: (r) => count(r.trade_count) },
                ]}
              />
            </details>
          ) : null}
        </Panel>
      </div>
      {selected ? <JobView key={selected} id={selected} job={jobs.find((j) => j.id === selected)} onChange={list.reload} /> : null}
    </div>
  );
}

/** Any JSON value as short text. */
function show(value: unknown, empty = '—'): string {
  if (value === undefined || value === null) return empty;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function stripLog(update: Partial<Job> & { log?: unknown }): Partial<Job> {
  const { log: _log, ...rest } = update;
  return rest;
}

function describeData(request: Record<string, unknown> | undefined): string {
  if (!request) return '—';
  if (Array.isArray(request.data)) return request.data.join(', ');
  if (Array.isArray(request.series)) return (request.series as Array<{ symbol?: string; timeframe?: string }>).map((s) => `${s.symbol} ${s.timeframe}`).join(', ');
  return '—';
}

function JobStatusCell({ job }: { job: Job }) {
  if (job.status === 'running' || job.status === 'queued') {
    return (
      <span className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
        <progress className="progress" max={1} value={job.progress} style={{ width: 70 }} aria-label={`progress ${Math.round(job.progress * 100)}%`} />
        {Math.round(job.progress * 100)}%
      </span>
    );
  }
  return <Badge tone={stateTone(job.status)}>{job.status}</Badge>;
}

function NewBacktest({ onStarted }: { onStarted: (job: Job) => void }) {
  const { whoami } = useSession();
  const strategies = useResource<{ strategies: StrategyInfo[] }>('/api/v1/strategies');
  const dataSets = useResource<{ bundled: BundledDataSet[]; stored: StoredSeries[] }>('/api/v1/data-sets');
  const [strategy, setStrategy] = useState('');
  const [data, setData] = useState('');
  const [params, setParams] = useState<ParamText>({});
  const [cash, setCash] = useState('10000');
  const [fee, setFee] = useState('');
  const [slippage, setSlippage] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const chosen = strategies.data?.strategies.find((s) => s.name === strategy);
  useEffect(() => {
    const first = strategies.data?.strategies[0];
    if (!strategy && first) setStrategy(first.name);
  }, [strategies.data, strategy]);
  // Default to the data the session trades (the bundled BTC/USDT 1h on `npm start`).
  const sessionSymbols = useResource<{ symbols: Array<{ symbol: string; timeframe: string }> }>('/api/v1/symbols');
  useEffect(() => {
    const bundled = dataSets.data?.bundled ?? [];
    if (data || bundled.length === 0 || (!sessionSymbols.data && sessionSymbols.error === undefined)) return;
    const traded = sessionSymbols.data?.symbols[0];
    const match = traded ? bundled.find((d) => d.symbol === traded.symbol && d.timeframe === traded.timeframe) : undefined;
    setData(`bundled:${(match ?? bundled[0]!).file}`);
  }, [dataSets.data, sessionSymbols.data, sessionSymbols.error, data]);
  useEffect(() => setParams({}), [strategy]);

  const start = useAction((body: unknown) => api<Job>('/api/v1/backtests', { method: 'POST', body }));
  const canTrade = hasScope(whoami.data?.scopes, 'trade');

  const submit = () => {
    setProblem(undefined);
    if (!chosen) return setProblem('Choose a strategy.');
    let values: Record<string, number | string | boolean>;
    try {
      values = paramValues(chosen.params, params);
    } catch (e) {
      return setProblem((e as Error).message);
    }
    const body: Record<string, unknown> = { strategy: chosen.name };
    if (data.startsWith('bundled:')) body.data = [data.slice('bundled:'.length)];
    else if (data.startsWith('stored:')) {
      const [symbol, timeframe, venue] = JSON.parse(data.slice('stored:'.length)) as [string, string, string | undefined];
      body.series = [{ symbol, timeframe, ...(venue ? { venue } : {}) }];
    } else return setProblem('Choose a data set.');
    if (Object.keys(values).length) body.params = values;
    for (const [key, text, label] of [['cash', cash, 'Cash'], ['fee', fee, 'Fee'], ['slippage_bps', slippage, 'Slippage']] as const) {
      if (!text.trim()) continue;
      const n = Number(text);
      if (!Number.isFinite(n)) return setProblem(`${label}: "${text}" is not a number`);
      body[key] = n;
    }
    void start.run(body).then((job) => { if (job) onStarted(job); });
  };

  return (
    <Panel title="New backtest">
      <ErrorBanner error={strategies.error ?? dataSets.error} onRetry={() => { strategies.reload(); dataSets.reload(); }} />
      <form className="stack" onSubmit={(e) => { e.preventDefault(); submit(); }} data-testid="backtest-form">
        <div className="form-grid">
          <Field label="Strategy" hint={chosen?.description}>
            {(id) => (
              <select id={id} value={strategy} onChange={(e) => setStrategy(e.target.value)}>
                {(strategies.data?.strategies ?? []).map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
              </select>
            )}
          </Field>
          <Field label="Data set">
            {(id) => (
              <select id={id} value={data} onChange={(e) => setData(e.target.value)}>
                {dataSets.data?.bundled.length ? (
                  <optgroup label="Bundled">
                    {dataSets.data.bundled.map((d) => <option key={d.file} value={`bundled:${d.file}`}>{d.symbol} {d.timeframe} · {d.file}</option>)}
                  </optgroup>
                ) : null}
                {dataSets.data?.stored.length ? (
                  <optgroup label="Stored">
                    {dataSets.data.stored.map((s) => <option key={`${s.venue}${s.symbol}${s.timeframe}`} value={`stored:${JSON.stringify([s.symbol, s.timeframe, s.venue])}`}>{s.symbol} {s.timeframe}{s.venue ? ` (${s.venue})` : ''}</option>)}
                  </optgroup>
                ) : null}
              </select>
            )}
          </Field>
          <Field label="Cash">{(id) => <input id={id} inputMode="decimal" value={cash} onChange={(e) => setCash(e.target.value)} />}</Field>
          <Field label="Fee (fraction)" hint="0.001 = 0.1%; empty = default">{(id) => <input id={id} inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} placeholder="default" />}</Field>
          <Field label="Slippage (bps)">{(id) => <input id={id} inputMode="decimal" value={slippage} onChange={(e) => setSlippage(e.target.value)} placeholder="default" />}</Field>
        </div>
        {chosen && chosen.params.length > 0 ? (
          <fieldset>
            <legend>Parameters of {chosen.name}</legend>
            <div className="form-grid">
              {chosen.params.map((p) => (
                <Field key={p.name} label={`${p.name} (${p.type})`} hint={p.description ?? undefined}>
                  {(id) => p.type === 'boolean' ? (
                    <select id={id} value={params[p.name] ?? ''} onChange={(e) => setParams((v) => ({ ...v, [p.name]: e.target.value }))}>
                      <option value="">default ({show(p.default)})</option><option value="true">true</option><option value="false">false</option>
                    </select>
                  ) : (
                    <input id={id} value={params[p.name] ?? ''} placeholder={show(p.default, '')}
                      onChange={(e) => setParams((v) => ({ ...v, [p.name]: e.target.value }))} />
                  )}
                </Field>
              ))}
            </div>
          </fieldset>
        ) : null}
        <div className="row">
          <button type="submit" className="btn primary" disabled={start.pending || canTrade === false || !chosen} data-testid="start-backtest">
            {start.pending ? 'Starting…' : 'Start backtest'}
          </button>
          {canTrade === false ? <span className="muted">Starting a backtest needs a token with the trade scope.</span> : null}
        </div>
        {problem ? <div className="error" role="alert">{problem}</div> : null}
        <ErrorBanner error={start.error} />
      </form>
    </Panel>
  );
}

function JobView({ id, job: listed, onChange }: { id: string; job: Job | undefined; onChange: () => void }) {
  const job = useResource<Job>(`/api/v1/backtests/${encodeURIComponent(id)}`);
  const current = listed ?? job.data;
  const done = current?.status === 'completed';
  // Stored runs have no job; their report is there at once.
  const report = useResource<BacktestReport>(`/api/v1/backtests/${encodeURIComponent(id)}/report`, { enabled: done || (job.error !== undefined && !listed) });
  const logs = useResource<{ lines: Array<{ time: number; level: string; message: string }> }>(`/api/v1/jobs/${encodeURIComponent(id)}/logs`, { enabled: current !== undefined });
  const cancel = useAction(() => api<Job>(`/api/v1/backtests/${encodeURIComponent(id)}`, { method: 'DELETE' }));
  const status = current?.status;
  const reloadLogs = logs.reload;
  useEffect(() => {
    if (status && status !== 'running' && status !== 'queued') reloadLogs();
  }, [status, reloadLogs]);

  return (
    <div className="stack" data-testid="backtest-view">
      {current ? (
        <Panel title={`Backtest ${show(current.request?.strategy)} · ${describeData(current.request)}`}
          actions={current.status === 'running' || current.status === 'queued' ? (
            <button type="button" className="btn small" onClick={() => void cancel.run().then(onChange)} disabled={cancel.pending}>Cancel run</button>
          ) : <Badge tone={stateTone(current.status)}>{current.status}</Badge>}>
          <ErrorBanner error={cancel.error} />
          <div className="row">
            <progress className="progress" max={1} value={current.progress} aria-label="Backtest progress" data-testid="backtest-progress" />
          </div>
          <div className="row muted">
            <span>{Math.round(current.progress * 100)}%</span>
            <span>queued {utc(current.created_at)}</span>
            {current.started_at ? <span>started {utc(current.started_at)}</span> : null}
            {current.finished_at && current.started_at ? <span>took {duration(current.finished_at - current.started_at)}</span> : null}
          </div>
          {current.error ? <div className="error" role="alert">{current.error}</div> : null}
          {logs.data && logs.data.lines.length > 0 ? (
            <details>
              <summary className="muted">Log ({logs.data.lines.length} lines)</summary>
              <pre className="mono" style={{ maxHeight: 200, overflow: 'auto' }}>{logs.data.lines.map((l) => `${utc(l.time)} ${l.level.padEnd(5)} ${l.message}`).join('\n')}</pre>
            </details>
          ) : null}
        </Panel>
      ) : <ErrorBanner error={job.error} onRetry={job.reload} />}
      {report.data ? <ReportView report={report.data} /> : <ErrorBanner error={report.error} onRetry={report.reload} />}
      {done && report.loading && !report.data ? <Loading what="the report" /> : null}
    </div>
  );
}

const metricRows: Array<[string, string, 'pct' | 'num' | 'money' | 'int' | 'ms']> = [
  ['totalReturn', 'Total return', 'pct'], ['cagr', 'CAGR', 'pct'], ['sharpe', 'Sharpe', 'num'], ['sortino', 'Sortino', 'num'],
  ['calmar', 'Calmar', 'num'], ['maxDrawdown', 'Max drawdown', 'pct'], ['maxDrawdownDuration', 'Longest drawdown', 'ms'],
  ['volatility', 'Volatility (ann.)', 'pct'], ['tradeCount', 'Trades', 'int'], ['winRate', 'Win rate', 'pct'],
  ['profitFactor', 'Profit factor', 'num'], ['expectancy', 'Expectancy / trade', 'pct'], ['avgTradePnl', 'Avg trade P&L', 'money'], ['sqn', 'SQN', 'num'], ['exposure', 'Exposure', 'pct'],
  ['buyAndHoldReturn', 'Buy & hold', 'pct'], ['finalEquity', 'Final equity', 'money'],
];

function metricText(value: unknown, kind: (typeof metricRows)[number][2]): string {
  if (typeof value !== 'number') return '—';
  switch (kind) {
    case 'pct': return pct(value);
    case 'money': return money(value);
    case 'int': return count(value);
    case 'ms': return duration(value);
    case 'num': return value.toFixed(2);
  }
}

function ReportView({ report }: { report: BacktestReport }) {
  const equity = useMemo(() => toPoints(report.equity), [report.equity]);
  const dd = useMemo(() => drawdown(equity), [equity]);
  const m = report.metrics;
  const trades = report.trades;
  return (
    <>
      <Panel title="Report" actions={<span className="muted">{report.data.symbols.join(', ')} {report.data.timeframe} · {utc(report.data.start).slice(0, 10)} → {utc(report.data.end).slice(0, 10)} · {count(report.data.bars)} bars</span>}>
        {report.warnings.length ? <div className="notice">{report.warnings.map((w) => <div key={w}>{w}</div>)}</div> : null}
        <div className="grid stats" data-testid="report-metrics">
          {metricRows.filter(([key]) => key in m).map(([key, label, kind]) => {
            // Drawdowns read as losses (−14.3%) whatever sign the convention stores.
            const value = key === 'maxDrawdown' && typeof m[key] === 'number' ? -Math.abs(m[key]) : m[key];
            const signedMetric = !['volatility', 'exposure', 'winRate', 'finalEquity', 'tradeCount', 'maxDrawdownDuration'].includes(key);
            return <Stat key={key} label={label} value={metricText(value, kind)} tone={signedMetric ? tone(value) : ''} />;
          })}
        </div>
        <SeriesChart label="Backtest equity" testId="report-equity-chart" height={240} series={[{ id: 'equity', label: 'Equity', kind: 'area', points: equity }]} />
        <h3>Drawdown</h3>
        <SeriesChart label="Backtest drawdown" testId="report-drawdown-chart" height={140} series={[{ id: 'dd', label: 'Drawdown', kind: 'area', color: '#ef5350', points: dd, percent: true }]} />
      </Panel>
      <Panel title={`Trades (${trades.length})`}>
        {trades.length === 0 ? <Empty>The strategy made no trade.</Empty> : (
          <DataTable
            rows={trades}
            caption="Closed trades of the backtest"
            rowKey={(t) => t.id}
            max={25}
            testId="report-trades"
            columns={[
              { key: 'entry', header: 'Entry (UTC)', cell: (t) => utc(t.entryTime) },
              { key: 'exit', header: 'Exit (UTC)', cell: (t) => utc(t.exitTime) },
              { key: 'symbol', header: 'Symbol', cell: (t) => t.symbol },
              { key: 'side', header: 'Side', cell: (t) => t.side },
              { key: 'qty', header: 'Quantity', numeric: true, cell: (t) => quantity(t.quantity) },
              { key: 'ep', header: 'Entry price', numeric: true, cell: (t) => price(t.entryPrice) },
              { key: 'xp', header: 'Exit price', numeric: true, cell: (t) => price(t.exitPrice) },
              { key: 'pnl', header: 'P&L', numeric: true, cell: (t) => signed(t.pnl), className: (t) => tone(t.pnl) },
              { key: 'ret', header: 'Return', numeric: true, cell: (t) => pct(t.returnPct), className: (t) => tone(t.returnPct) },
              { key: 'bars', header: 'Bars', numeric: true, cell: (t) => count(t.bars) },
              { key: 'reason', header: 'Exit reason', cell: (t) => t.exitReason },
            ]}
          />
        )}
      </Panel>
    </>
  );
}
