/** Risk: trading state and the kill switch, circuit breakers, editable thresholds, recent denials. */
import { useEffect, useMemo, useState } from 'react';
import { api, describeError } from '../api/client.js';
import type { Breaker, RiskSnapshot, TradingState, TradingStateResponse } from '../api/types.js';
import { Badge, ConfirmDialog, DataTable, ErrorBanner, Field, Loading, Panel, StatePill } from '../components/ui.js';
import { count, pct, stateTone, utc } from '../lib/format.js';
import { useAction } from '../lib/hooks.js';
import { breakerForms, buildPatch, FormProblem, formValues, limitFields, type FormField, type FormValues } from '../lib/risk-form.js';
import { hasScope, useSession } from '../lib/session.js';

interface StateRequest {
  readonly state: TradingState;
  readonly title: string;
  readonly confirm: string;
  readonly explain: string;
}

const requests: Record<TradingState, StateRequest> = {
  HALTED: {
    state: 'HALTED', title: 'Halt all trading?', confirm: 'Halt trading',
    explain: 'The risk engine will refuse every new order, exits included, until trading is resumed. Orders already resting at the venue stay unless you cancel them below.',
  },
  REDUCING: {
    state: 'REDUCING', title: 'Only reduce positions?', confirm: 'Reduce only',
    explain: 'Only orders that shrink a position will pass; new entries are refused.',
  },
  ACTIVE: {
    state: 'ACTIVE', title: 'Resume trading?', confirm: 'Resume trading',
    explain: 'Orders pass the risk checks again. A tripped breaker still holds its state until it resets or is reset.',
  },
};

export function RiskPage() {
  const { risk, whoami } = useSession();
  const snapshot = risk.data;
  const scopes = whoami.data?.scopes;
  const canTrade = hasScope(scopes, 'trade');
  const canAdmin = hasScope(scopes, 'admin');
  const [asking, setAsking] = useState<StateRequest | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [cancelOrders, setCancelOrders] = useState(false);
  const [outcome, setOutcome] = useState<string | undefined>(undefined);

  const setState = useAction(async (request: StateRequest, why: string, cancel: boolean) => {
    const response = await api<TradingStateResponse>('/api/v1/risk/trading-state', {
      method: 'POST', body: { state: request.state, reason: why, ...(cancel ? { cancel_open_orders: true } : {}) },
    });
    risk.mutate(() => response.risk);
    return response;
  });

  const open = (state: TradingState) => {
    setAsking(requests[state]);
    setReason(state === 'HALTED' ? 'kill switch from the dashboard' : state === 'ACTIVE' ? 'resumed from the dashboard' : 'reduce-only from the dashboard');
    setCancelOrders(false);
    setState.clear();
  };

  const confirm = () => {
    if (!asking) return;
    void setState.run(asking, reason.trim() || 'dashboard', cancelOrders).then((r) => {
      if (!r) return;
      setAsking(undefined);
      const canceled = typeof r.canceled_orders === 'number' ? r.canceled_orders : r.canceled_orders?.length ?? 0;
      setOutcome(r.effective === r.requested
        ? `Trading is now ${r.effective}${canceled ? `; ${canceled} open order${canceled === 1 ? '' : 's'} canceled` : ''}.`
        : `Requested ${r.requested}; trading stays ${r.effective}, held by ${r.held_by.join(', ')}.`);
    });
  };

  return (
    <div className="stack">
      <ErrorBanner error={risk.error} onRetry={risk.reload} />
      {risk.loading && !snapshot ? <Loading what="the risk state" /> : null}
      <Panel title="Trading state" id="kill-switch">
        <div className="kill-zone">
          <span className="big-pill state-block"><StatePill state={snapshot?.state} /></span>
          <button type="button" className="btn danger kill" onClick={() => open('HALTED')} disabled={!snapshot || snapshot.state === 'HALTED' || canTrade === false}
            data-testid="kill-switch" title={canTrade === false ? 'needs a token with the trade scope' : undefined}>
            ■ Kill switch
          </button>
          <button type="button" className="btn" onClick={() => open('REDUCING')} disabled={!snapshot || snapshot.manual_state === 'REDUCING' || canTrade === false}>Reduce only</button>
          <button type="button" className="btn good" onClick={() => open('ACTIVE')} disabled={!snapshot || snapshot.manual_state === 'ACTIVE' || canAdmin === false}
            title={canAdmin === false ? 'resuming needs a token with the admin scope' : undefined} data-testid="resume">
            ▶ Resume
          </button>
        </div>
        {snapshot ? (
          <p className="muted" style={{ margin: 0 }} data-testid="state-detail">
            Set by hand: {snapshot.manual_state}
            {snapshot.last_change ? ` · last change ${utc(snapshot.last_change.time)} by ${snapshot.last_change.actor}: ${snapshot.last_change.from} → ${snapshot.last_change.to} (${snapshot.last_change.reason})` : ''}
          </p>
        ) : null}
        {outcome ? <div className="notice" role="status" data-testid="state-outcome">{outcome}</div> : null}
        {snapshot && snapshot.holds.length > 0 ? (
          <DataTable
            rows={snapshot.holds}
            caption="Breaker holds on the trading state"
            rowKey={(h) => h.source}
            columns={[
              { key: 'source', header: 'Held by', cell: (h) => <strong>{h.source}</strong> },
              { key: 'state', header: 'State', cell: (h) => <StatePill state={h.state} /> },
              { key: 'since', header: 'Since (UTC)', cell: (h) => utc(h.since) },
              { key: 'reason', header: 'Reason', className: () => 'wrap', cell: (h) => h.reason },
            ]}
          />
        ) : null}
      </Panel>

      {snapshot ? <Breakers snapshot={snapshot} canAdmin={canAdmin} onRisk={(r) => risk.mutate(() => r)} /> : null}
      {snapshot ? <Thresholds snapshot={snapshot} canAdmin={canAdmin} onRisk={(r) => risk.mutate(() => r)} /> : null}

      {snapshot ? (
        <Panel title="Recent denials" actions={<span className="muted">{Object.entries(snapshot.denial_counts).map(([k, v]) => `${k} ${count(v)}`).join(' · ') || 'none'}</span>}>
          <DataTable
            rows={snapshot.recent_denials}
            caption="Orders the risk engine denied, newest first"
            rowKey={(d, i) => `${d.time}-${i}`}
            max={10}
            empty="No order has been denied."
            columns={[
              { key: 'time', header: 'Time (UTC)', cell: (d) => utc(d.time) },
              { key: 'symbol', header: 'Symbol', cell: (d) => d.symbol },
              { key: 'check', header: 'Check', cell: (d) => <Badge tone="warn">{d.check}</Badge> },
              { key: 'reason', header: 'Reason', className: () => 'wrap', cell: (d) => d.reason },
            ]}
          />
        </Panel>
      ) : null}

      <ConfirmDialog
        open={asking !== undefined}
        title={asking?.title ?? ''}
        confirmLabel={asking?.confirm ?? ''}
        danger={asking?.state !== 'ACTIVE'}
        pending={setState.pending}
        error={setState.error}
        onConfirm={confirm}
        onCancel={() => setAsking(undefined)}
      >
        <p>{asking?.explain}</p>
        <Field label="Reason (kept in the audit log)">
          {(id) => <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="state-reason" />}
        </Field>
        {asking?.state !== 'ACTIVE' ? (
          <label className="row">
            <input type="checkbox" checked={cancelOrders} onChange={(e) => setCancelOrders(e.target.checked)} />
            Also cancel open orders
          </label>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

function valueText(b: Breaker, x: number | null): string {
  if (x === null) return '—';
  if (b.unit === 'fraction') return pct(x);
  if (b.unit === 'ratio') return `${x.toFixed(2)}×`;
  return `${Number(x.toPrecision(6))} ${b.unit}`;
}

function Breakers({ snapshot, canAdmin, onRisk }: { snapshot: RiskSnapshot; canAdmin: boolean | undefined; onRisk: (r: RiskSnapshot) => void }) {
  const reset = useAction(async (name: string) => {
    const r = await api<{ reset: boolean; risk: RiskSnapshot }>(`/api/v1/risk/breakers/${encodeURIComponent(name)}/reset`, { method: 'POST', body: { reason: 'reset from the dashboard' } });
    onRisk(r.risk);
    return r;
  });
  return (
    <Panel title="Circuit breakers">
      <ErrorBanner error={reset.error} onDismiss={reset.clear} />
      <DataTable
        rows={snapshot.breakers}
        caption="Circuit breakers"
        rowKey={(b) => b.name}
        testId="breakers-table"
        columns={[
          { key: 'name', header: 'Breaker', cell: (b) => <strong>{b.name}</strong> },
          { key: 'status', header: 'Status', cell: (b) => <Badge tone={b.status === 'disabled' ? 'muted' : stateTone(b.status)}>{b.status}</Badge> },
          { key: 'value', header: 'Now', numeric: true, cell: (b) => valueText(b, b.value) },
          { key: 'threshold', header: 'Trips at', numeric: true, cell: (b) => valueText(b, b.threshold) },
          { key: 'action', header: 'Action', cell: (b) => b.action ?? '—' },
          { key: 'resets', header: 'Resets (UTC)', cell: (b) => (b.status === 'tripped' ? (b.resets_at === null ? 'by hand only' : utc(b.resets_at)) : '—') },
          { key: 'reason', header: 'Reason', className: () => 'wrap', cell: (b) => b.reason ?? '' },
          {
            key: 'reset', header: <span className="sr-only">Reset</span>, cell: (b) => b.status === 'tripped' ? (
              <button type="button" className="btn small" disabled={canAdmin === false || reset.pending} onClick={() => void reset.run(b.name)}
                title={canAdmin === false ? 'needs a token with the admin scope' : undefined}>Reset</button>
            ) : null,
          },
        ]}
      />
    </Panel>
  );
}

function Thresholds({ snapshot, canAdmin, onRisk }: { snapshot: RiskSnapshot; canAdmin: boolean | undefined; onRisk: (r: RiskSnapshot) => void }) {
  const initial = useMemo(() => formValues(snapshot.config), [snapshot.config]);
  const [values, setValues] = useState<FormValues>(initial);
  const [dirty, setDirty] = useState(false);
  const [reason, setReason] = useState('thresholds edited on the dashboard');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [advanced, setAdvanced] = useState('');
  // A refresh of the snapshot does not throw away edits in progress.
  useEffect(() => {
    if (!dirty) setValues(initial);
  }, [initial, dirty]);

  const save = useAction(async (patch: unknown) => {
    const r = await api<{ risk: RiskSnapshot }>('/api/v1/risk/config', { method: 'PATCH', body: { patch, reason } });
    onRisk(r.risk);
    return r;
  });

  const edit = (key: string, value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    setDirty(true);
    setSaved(undefined);
  };

  const submit = () => {
    setProblem(undefined);
    let patch: unknown;
    try {
      if (advanced.trim()) patch = JSON.parse(advanced) as unknown;
      else patch = buildPatch(initial, values, snapshot.config);
    } catch (e) {
      setProblem(e instanceof FormProblem ? e.message : `Advanced patch: ${describeError(e)}`);
      return;
    }
    if (patch === undefined) {
      setProblem('Nothing changed.');
      return;
    }
    void save.run(patch).then((r) => {
      if (!r) return;
      setDirty(false);
      setAdvanced('');
      setSaved('Saved. The risk engine applies the new thresholds from the next check.');
    });
  };

  const input = (key: string, field: FormField, disabled: boolean) => (
    <Field key={key} label={field.label} hint={field.hint}>
      {(id) => field.kind === 'action' ? (
        <select id={id} value={values[key] ?? ''} onChange={(e) => edit(key, e.target.value)} disabled={disabled}>
          <option value="">default</option><option value="REDUCING">REDUCING</option><option value="HALTED">HALTED</option>
        </select>
      ) : field.kind === 'measure' ? (
        <select id={id} value={values[key] ?? ''} onChange={(e) => edit(key, e.target.value)} disabled={disabled}>
          <option value="">default (atr)</option><option value="atr">atr</option><option value="stdev">stdev</option>
        </select>
      ) : (
        <input id={id} inputMode="decimal" value={values[key] ?? ''} onChange={(e) => edit(key, e.target.value)} disabled={disabled} placeholder="off" data-testid={`threshold-${key}`} />
      )}
    </Field>
  );

  const locked = canAdmin === false;
  return (
    <Panel title="Thresholds" actions={locked ? <span className="muted">Editing needs a token with the admin scope.</span> : null}>
      <form onSubmit={(e) => { e.preventDefault(); submit(); }} className="stack" aria-describedby="threshold-help">
        <p id="threshold-help" className="muted" style={{ margin: 0 }}>Fractions are fractions (0.05 = 5%), money is in the account currency, times in milliseconds. An empty field turns the limit off.</p>
        <fieldset>
          <legend>Pre-trade limits</legend>
          <div className="form-grid">{limitFields.map((f) => input(`limits.${f.key}`, f, locked))}</div>
        </fieldset>
        {breakerForms.map((b) => {
          const onKey = `breakers.${b.name}`;
          const on = values[onKey] === 'on';
          return (
            <fieldset key={b.name}>
              <legend>
                <label className="row" style={{ gap: 6 }}>
                  <input type="checkbox" checked={on} onChange={(e) => edit(onKey, e.target.checked ? 'on' : '')} disabled={locked} />
                  {b.title} breaker
                </label>
              </legend>
              <div className="form-grid">{b.fields.map((f) => input(`${onKey}.${f.key}`, f, locked || !on))}</div>
            </fieldset>
          );
        })}
        <details>
          <summary className="muted">Advanced: send a JSON patch (every key of docs/risk.md, e.g. per-symbol limits)</summary>
          <Field label="Patch">
            {(id) => <textarea id={id} value={advanced} onChange={(e) => setAdvanced(e.target.value)} placeholder={'{"limits": {"perSymbol": {"BTC/USDT": {"maxPositionQuantity": 0.5}}}}'} disabled={locked} />}
          </Field>
        </details>
        <div className="row">
          <Field label="Reason (kept in the audit log)">{(id) => <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} disabled={locked} style={{ minWidth: 280 }} />}</Field>
          <button type="submit" className="btn primary" disabled={locked || save.pending} style={{ alignSelf: 'flex-end' }}>{save.pending ? 'Saving…' : 'Save thresholds'}</button>
          <button type="button" className="btn ghost" style={{ alignSelf: 'flex-end' }} onClick={() => { setValues(initial); setDirty(false); setProblem(undefined); setAdvanced(''); save.clear(); }}>Discard changes</button>
        </div>
        {problem ? <div className="error" role="alert">{problem}</div> : null}
        <ErrorBanner error={save.error} />
        {saved ? <div className="notice" role="status">{saved}</div> : null}
      </form>
    </Panel>
  );
}
