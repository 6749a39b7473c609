/** Decisions: each one with every head's vote, weight, confidence and reasoning; heads' status. */
import { useMemo, useState } from 'react';
import { ApiError } from '../api/client.js';
import type { Decision, Head, SymbolInfo, Vote } from '../api/types.js';
import { headsOf } from '../lib/heads.js';
import { Badge, DataTable, Empty, ErrorBanner, Field, Loading, Panel } from '../components/ui.js';
import { count, directionWord, duration, pct, price, signed, stateTone, tone, utc } from '../lib/format.js';
import { useLive, useResource } from '../lib/hooks.js';

export function DecisionsPage() {
  const [symbol, setSymbol] = useState('');
  const [limit, setLimit] = useState(20);
  const [actions, setActions] = useState<'all' | 'trades' | 'holds'>('all');
  const symbols = useResource<{ symbols: SymbolInfo[] }>('/api/v1/symbols');
  const decisions = useResource<{ decisions: Decision[] }>('/api/v1/decisions', { query: { symbol: symbol || undefined, limit }, intervalMs: 15_000 });
  const heads = useResource<{ heads: Head[] }>('/api/v1/heads', { intervalMs: 10_000 });
  const [pushed, setPushed] = useState<Decision[]>([]);

  useLive('decisions', (data) => {
    const d = data as Decision | null;
    if (!d || typeof d.id !== 'string' || (symbol && d.symbol !== symbol)) return;
    setPushed((p) => [d, ...p.filter((x) => x.id !== d.id)].slice(0, 100));
  });

  // Servers without `GET /api/v1/heads` (404): the heads as the decisions' votes show them.
  const headsFromVotes = heads.error instanceof ApiError && heads.error.status === 404;
  const headRows = useMemo(() => (headsFromVotes ? headsOf(decisions.data?.decisions ?? []) : heads.data?.heads), [headsFromVotes, decisions.data, heads.data]);

  const list = useMemo(() => {
    const seen = new Set<string>();
    const out: Decision[] = [];
    for (const d of [...pushed, ...(decisions.data?.decisions ?? [])]) {
      if (seen.has(d.id) || (symbol && d.symbol !== symbol)) continue;
      const hold = d.action.toLowerCase() === 'hold';
      if ((actions === 'trades' && hold) || (actions === 'holds' && !hold)) continue;
      seen.add(d.id);
      out.push(d);
    }
    return out.sort((a, b) => b.created_at - a.created_at).slice(0, limit);
  }, [pushed, decisions.data, symbol, limit, actions]);

  return (
    <div className="stack">
      <Panel
        title="Decisions"
        actions={
          <>
            <Field label="Instrument">
              {(id) => (
                <select id={id} value={symbol} onChange={(e) => setSymbol(e.target.value)}>
                  <option value="">all</option>
                  {(symbols.data?.symbols ?? []).map((s) => <option key={`${s.symbol} ${s.timeframe}`} value={s.symbol}>{s.symbol}</option>)}
                </select>
              )}
            </Field>
            <Field label="Actions">
              {(id) => (
                <select id={id} value={actions} onChange={(e) => setActions(e.target.value as typeof actions)}>
                  <option value="all">all</option>
                  <option value="trades">buy, sell, close</option>
                  <option value="holds">hold</option>
                </select>
              )}
            </Field>
            <Field label="Show">
              {(id) => (
                <select id={id} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
                  {[20, 50, 200].map((n) => <option key={n} value={n}>{n} newest</option>)}
                </select>
              )}
            </Field>
          </>
        }
      >
        <ErrorBanner error={decisions.error} onRetry={decisions.reload} />
        {decisions.loading && !decisions.data ? <Loading what="decisions" /> : null}
        {decisions.data && list.length === 0 ? (
          <Empty>{(decisions.data.decisions.length === 0 ? 'No decisions yet. The consensus records one each time the heads are asked.' : 'No decision matches the filters.')}</Empty>
        ) : null}
        <div className="stack" style={{ gap: 8 }} data-testid="decision-list">
          {list.map((d, i) => <DecisionCard key={d.id} decision={d} open={i === 0} />)}
        </div>
      </Panel>
      <Panel title="Signal heads" actions={headsFromVotes ? <span className="muted">from the votes of the decisions above</span> : null}>
        {headsFromVotes ? null : <ErrorBanner error={heads.error} onRetry={heads.reload} />}
        {headRows ? (
          <DataTable
            rows={headRows}
            caption="Signal heads"
            rowKey={(h) => h.name}
            empty="No heads are configured."
            columns={[
              { key: 'name', header: 'Head', cell: (h) => <strong>{h.name}</strong> },
              { key: 'kind', header: 'Kind', cell: (h) => h.kind ?? '—' },
              { key: 'state', header: 'State', cell: (h) => <Badge tone={stateTone(h.state)}>{h.state}</Badge> },
              { key: 'weight', header: 'Weight', numeric: true, cell: (h) => (h.weight === null ? '—' : h.weight.toFixed(3)) },
              { key: 'signals', header: 'Signals', numeric: true, cell: (h) => count(h.signals) },
              { key: 'errors', header: 'Errors', numeric: true, cell: (h) => count(h.errors) },
              { key: 'last', header: 'Last signal (UTC)', cell: (h) => utc(h.last_signal_at) },
            ]}
          />
        ) : null}
      </Panel>
    </div>
  );
}

function actionTone(action: string): 'good' | 'bad' | 'muted' | 'info' {
  const a = action.toLowerCase();
  if (a === 'buy' || a === 'long') return 'good';
  if (a === 'sell' || a === 'short') return 'bad';
  if (a === 'close') return 'info';
  return 'muted';
}

function DecisionCard({ decision: d, open }: { decision: Decision; open: boolean }) {
  const votes = [...d.votes].sort((a, b) => Math.abs(b.direction * b.confidence * b.weight) - Math.abs(a.direction * a.confidence * a.weight));
  const agree = d.votes.filter((v) => v.status === 'ok' && Math.sign(v.direction) === Math.sign(d.direction ?? 0) && v.direction !== 0).length;
  return (
    <details className="decision" open={open} data-testid="decision">
      <summary>
        <span className="mono">{utc(d.created_at)}</span>
        <span><strong>{d.symbol}</strong></span>
        <span><Badge tone={actionTone(d.action)}>{d.action.toUpperCase()}</Badge></span>
        <span>
          <span className="meter" aria-hidden="true"><span style={{ width: `${Math.round(d.confidence * 100)}%` }} /></span>
          confidence {pct(d.confidence, 0)}
          {d.consensus_score !== null ? <span className="muted"> · consensus {d.consensus_score.toFixed(2)}</span> : null}
          <span className="muted"> · {agree}/{d.votes.length} heads agree</span>
        </span>
        <span><Badge tone={d.outcome === 'win' ? 'good' : d.outcome === 'loss' ? 'bad' : 'muted'}>{d.outcome}{d.pnl !== null ? ` ${signed(d.pnl)}` : ''}</Badge></span>
      </summary>
      <div className="decision-body">
        {d.reasoning ? <p className="reasoning">{d.reasoning}</p> : null}
        <DataTable
          rows={votes}
          caption={`Votes of decision ${d.id}`}
          rowKey={(v) => v.head}
          testId="votes-table"
          empty="No votes were recorded with this decision."
          columns={[
            { key: 'head', header: 'Head', cell: (v) => <strong>{v.head}</strong> },
            { key: 'vote', header: 'Vote', cell: (v) => <VoteCell vote={v} /> },
            { key: 'confidence', header: 'Confidence', numeric: true, cell: (v) => pct(v.confidence, 0) },
            { key: 'weight', header: 'Weight', numeric: true, cell: (v) => v.weight.toFixed(3) },
            { key: 'contribution', header: 'Weighted', numeric: true, cell: (v) => (v.direction * v.confidence * v.weight).toFixed(3), className: (v) => tone(v.direction) },
            { key: 'horizon', header: 'Horizon', numeric: true, cell: (v) => duration(v.horizon_ms) },
            { key: 'status', header: 'Status', cell: (v) => <Badge tone={v.status === 'ok' ? 'good' : v.status === 'faulted' ? 'bad' : 'muted'}>{v.status}</Badge> },
            { key: 'reason', header: 'Reasoning', className: () => 'wrap', cell: (v) => v.error ?? v.reason ?? '—' },
          ]}
        />
        <div className="form-grid">
          <Detail label="Side / size" value={`${d.side ?? '—'} · ${d.size_percent === null ? '—' : pct(d.size_percent / 100)}`} />
          <Detail label="Entry" value={price(d.entry_price)} />
          <Detail label="Stop loss" value={price(d.stop_loss)} />
          <Detail label="Take profit" value={price(d.take_profit)} />
          <Detail label="Strategy" value={d.strategy} />
          <Detail label="Model" value={d.model_used ?? '—'} />
          <Detail label="Executed" value={d.executed_at ? `${utc(d.executed_at)}${d.order_id ? ` (order ${d.order_id})` : ''}` : 'not executed'} />
          <Detail label="Direction" value={`${directionWord(d.direction)} ${d.direction === null ? '' : d.direction.toFixed(2)}`} />
        </div>
        {d.market_analysis ? <><h3>Market analysis</h3><p className="reasoning">{d.market_analysis}</p></> : null}
        {d.risk_assessment ? <><h3>Risk assessment</h3><p className="reasoning">{d.risk_assessment}</p></> : null}
      </div>
    </details>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="muted" style={{ fontSize: 12 }}>{label}</div>
      <div>{value}</div>
    </div>
  );
}

/** Direction −1…1 as a bar from the middle: green to the right for long, red to the left for short. */
function VoteCell({ vote }: { vote: Vote }) {
  const d = Math.max(-1, Math.min(1, vote.direction));
  const width = Math.abs(d) * 50;
  return (
    <span className="row" style={{ gap: 8, flexWrap: 'nowrap' }}>
      <span className="vote-bar" role="img" aria-label={`${directionWord(d)} ${d.toFixed(2)}`}>
        <span style={{ left: d >= 0 ? '50%' : `${50 - width}%`, width: `${width}%`, background: d >= 0 ? 'var(--good)' : 'var(--bad)' }} />
      </span>
      <span className={tone(d)}>{directionWord(d)} {d.toFixed(2)}</span>
    </span>
  );
}
