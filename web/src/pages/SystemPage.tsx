/** System: feed health, component states, latency and throughput of the server. */
import { live } from '../api/live.js';
import type { SystemStatus } from '../api/types.js';
import { Badge, DataTable, ErrorBanner, Loading, Panel, Stat } from '../components/ui.js';
import { ago, count, duration, stateTone, utc } from '../lib/format.js';
import { useLive, useLiveStatus, useNow, useResource } from '../lib/hooks.js';

function rate(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return x >= 100 ? count(x) : x.toFixed(1);
}

export function SystemPage() {
  const status = useResource<SystemStatus>('/api/v1/system/status', { intervalMs: 2000 });
  useLive('status', () => status.reload());
  const stream = useLiveStatus();
  const now = useNow(1000);
  const s = status.data;
  const feedLag = s?.feed?.last_bar_received_at ? now - s.feed.last_bar_received_at : undefined;

  return (
    <div className="stack">
      <ErrorBanner error={status.error} onRetry={status.reload} />
      {status.loading && !s ? <Loading what="system status" /> : null}
      {s ? (
        <>
          <div className="grid stats" data-testid="system-stats">
            <Stat label="Uptime" value={duration(s.uptime_ms)} hint={`${s.mode}${s.live_enabled ? ', live enabled' : ''} · since ${utc(s.started_at)}`} />
            <Stat label="Feed" value={s.feed ? <Badge tone={stateTone(s.feed.state)}>{s.feed.state}</Badge> : '—'} hint={feedLag !== undefined ? `last bar ${ago(s.feed!.last_bar_received_at, now)}` : undefined} testId="feed-state" />
            <Stat label="Bars / s" value={rate(s.feed?.bars_per_second)} hint={s.feed ? `${count(s.feed.bars_received)} received` : undefined} />
            <Stat label="Events / s" value={rate(s.events?.per_second)} hint={s.events ? `${count(s.events.total)} total` : undefined} />
            <Stat label="HTTP req / s" value={rate(s.http.requests_per_second)} hint={`${count(s.http.requests)} total`} />
            <Stat label="HTTP latency p50" value={duration(s.http.latency_ms.p50)} hint={`p95 ${duration(s.http.latency_ms.p95)} · p99 ${duration(s.http.latency_ms.p99)} · max ${duration(s.http.latency_ms.max)}`} />
          </div>

          {s.session ? (
            <Panel title="Session">
              <div className="grid stats">
                <Stat label="State" value={<Badge tone={stateTone(s.session.state)}>{s.session.state}</Badge>} />
                <Stat label="Strategy" value={s.session.strategy} hint={JSON.stringify(s.session.params)} />
                <Stat label="Instruments" value={s.session.symbols.join(', ')} hint={s.session.timeframe} />
                <Stat label="Replay" value={`${count(s.session.replay.delivered)} / ${count(s.session.replay.total)}`}
                  hint={`${s.session.replay.speed === 'max' ? 'full speed' : `${s.session.replay.speed} bars/s`} · at ${utc(s.session.replay.time)}`} />
              </div>
              {s.session.replay.total > 0 ? (
                <progress className="progress" max={s.session.replay.total} value={s.session.replay.delivered} aria-label="Replay progress" />
              ) : null}
              {s.session.fault ? <div className="error" role="alert">{s.session.fault}</div> : null}
            </Panel>
          ) : null}

          <div className="grid two">
            <Panel title="Components">
              <DataTable
                rows={s.components}
                caption="Component lifecycle states"
                rowKey={(c) => c.name}
                testId="components-table"
                empty="No components reported."
                columns={[
                  { key: 'name', header: 'Component', cell: (c) => <strong>{c.name}</strong> },
                  { key: 'state', header: 'State', cell: (c) => <Badge tone={stateTone(c.state)}>{c.state}</Badge> },
                  // The session's components keep the kernel's (simulated) time.
                  { key: 'since', header: 'Since (UTC)', cell: (c) => utc(c.since) },
                  { key: 'reason', header: 'Reason', className: () => 'wrap', cell: (c) => c.reason ?? '' },
                ]}
              />
              {s.decision_core ? (
                <div className="row">
                  <span className="muted">Decision core</span>
                  <Badge tone={s.decision_core.available ? 'good' : 'warn'}>{s.decision_core.available ? 'available' : 'not running'}</Badge>
                  {s.decision_core.detail ? <span className="muted">{s.decision_core.detail}</span> : null}
                </div>
              ) : null}
            </Panel>
            <Panel title="HTTP and stream">
              <DataTable
                rows={[
                  ...Object.entries(s.http.responses).map(([k, v]) => ({ k: `responses ${k}`, v: count(v) })),
                  ...Object.entries(s.http.rejected).map(([k, v]) => ({ k: `rejected: ${k}`, v: count(v) })),
                  { k: 'latency samples', v: count(s.http.latency_ms.samples) },
                  { k: 'WebSocket clients', v: count(s.ws.clients) },
                  { k: 'WebSocket frames sent / dropped', v: `${count(s.ws.messages_sent)} / ${count(s.ws.messages_dropped)}` },
                  { k: 'jobs queued / running', v: `${s.jobs.queued} / ${s.jobs.running} (${s.jobs.queue})` },
                  { k: 'storage', v: s.storage ? `${s.storage.dialect} · ${s.storage.journal_failures} journal failures` : 'none' },
                  { k: 'notifications', v: [s.notifications.telegram ? 'telegram' : '', s.notifications.webhook ? 'webhook' : ''].filter(Boolean).join(', ') || 'off' },
                  { k: 'this browser: stream', v: `${stream} · ${count(live.received)} messages${live.lastMessageAt ? `, last ${ago(live.lastMessageAt, now)}` : ''}` },
                ]}
                caption="Server counters"
                rowKey={(r) => r.k}
                columns={[
                  { key: 'k', header: 'Figure', cell: (r) => r.k },
                  { key: 'v', header: 'Value', numeric: true, cell: (r) => r.v },
                ]}
              />
            </Panel>
          </div>
        </>
      ) : null}
    </div>
  );
}
