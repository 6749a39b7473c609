/** The shell: navigation, the bar with trading state / stream / token, and the current page. */
import { useEffect, useRef, useState } from 'react';
import { onUnauthorized } from './api/client.js';
import { live } from './api/live.js';
import { tokenStore } from './api/token.js';
import { SessionContext } from './lib/session.js';
import { useLive, useLiveBatches, useLiveStatus, useResource } from './lib/hooks.js';
import type { Account, RiskSnapshot, WhoAmI } from './api/types.js';
import { href, pages, useRoute, type PageId } from './lib/route.js';
import { StatePill } from './components/ui.js';
import { TokenDialog } from './components/TokenDialog.js';
import { NavIcon } from './components/icons.js';
import { LivePage } from './pages/LivePage.js';
import { DecisionsPage } from './pages/DecisionsPage.js';
import { PortfolioPage } from './pages/PortfolioPage.js';
import { RiskPage } from './pages/RiskPage.js';
import { BacktestsPage } from './pages/BacktestsPage.js';
import { SystemPage } from './pages/SystemPage.js';

/** A `pnl` frame of `/ws` (docs/api.md). */
interface PnlFrame {
  time?: number;
  equity: number;
  balance?: number;
  unrealized_pnl?: number;
  positions?: number;
  closed_trades?: number;
}

/**
 * The account with a live frame applied. Realised P&L stays as polled: the frame's `realized_pnl`
 * is balance − starting cash (fees included), the account's is the trades' P&L.
 */
function accountWithPnl(a: Account, p: PnlFrame): Account {
  const num = (x: unknown, fallback: number): number => (typeof x === 'number' && Number.isFinite(x) ? x : fallback);
  return {
    ...a,
    equity: p.equity,
    balance: num(p.balance, a.balance),
    unrealized_pnl: num(p.unrealized_pnl, a.unrealized_pnl),
    total_pnl: p.equity - a.starting_balance,
    return_pct: a.starting_balance > 0 ? p.equity / a.starting_balance - 1 : a.return_pct,
    open_positions: num(p.positions, a.open_positions),
    closed_trades: num(p.closed_trades, a.closed_trades),
    time: num(p.time, a.time ?? 0),
  };
}

export function App() {
  const route = useRoute();
  const risk = useResource<RiskSnapshot>('/api/v1/risk', { intervalMs: 5000 });
  const whoami = useResource<WhoAmI>('/api/v1/auth/whoami');
  const account = useResource<Account>('/api/v1/account', { intervalMs: 5000 });
  const [askToken, setAskToken] = useState(false);
  const status = useLiveStatus();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => onUnauthorized(() => setAskToken(true)), []);
  useLive('risk', () => risk.reload());
  useLiveBatches('pnl', (items) => {
    // Keep the account current between polls (the `pnl` topic after each bar).
    const p = items[items.length - 1] as PnlFrame | null;
    if (p && typeof p.equity === 'number') account.mutate((a) => (a ? accountWithPnl(a, p) : a));
  });

  const current = pages.find((p) => p.id === route.page)!;
  useEffect(() => {
    document.title = `${current.title} · Arbiter`;
  }, [current.title]);

  const onToken = (token: string) => {
    tokenStore.set(token);
    setAskToken(false);
    live.restart();
    risk.reload();
    whoami.reload();
    account.reload();
  };

  return (
    <SessionContext.Provider value={{ risk, whoami, account }}>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>Skip to content</a>
      <div className="app">
        <aside className="sidebar">
          <div className="brand"><span className="brand-mark" aria-hidden="true">A</span>Arbiter</div>
          <nav className="nav" aria-label="Pages">
            {pages.map((p) => (
              <a key={p.id} href={href(p.id)} aria-current={p.id === route.page ? 'page' : undefined} data-testid={`nav-${p.id}`}>
                <span className="nav-icon"><NavIcon page={p.id} /></span>
                {p.title}
              </a>
            ))}
          </nav>
          <div className="sidebar-foot">
            <span>Times are UTC.</span>
            <a href="./docs" target="_blank" rel="noreferrer">API reference (/docs)</a>
          </div>
        </aside>
        <main id="main" ref={mainRef} tabIndex={-1}>
          <div className="topbar">
            <h1>{current.title}</h1>
            <span className="topbar-item" title="Trading state (Risk page)">
              Trading <StatePill state={risk.data?.state} />
            </span>
            {account.data ? <span className="topbar-item"><span className="badge info">{account.data.mode}</span></span> : null}
            <span className="topbar-item" role="status" aria-live="polite" data-testid="stream-status">
              <span className={`dot ${status}`} aria-hidden="true" /> stream {status}
            </span>
            <button type="button" className="btn small ghost" onClick={() => setAskToken(true)} data-testid="token-button">
              {whoami.data ? `Token: ${whoami.data.scopes.join(', ')}` : 'Set token'}
            </button>
          </div>
          <Page id={route.page} rest={route.rest} />
        </main>
      </div>
      <TokenDialog open={askToken} onSubmit={onToken} onCancel={() => setAskToken(false)} />
    </SessionContext.Provider>
  );
}

function Page({ id, rest }: { id: PageId; rest: readonly string[] }) {
  switch (id) {
    case 'live': return <LivePage />;
    case 'decisions': return <DecisionsPage />;
    case 'portfolio': return <PortfolioPage />;
    case 'risk': return <RiskPage />;
    case 'backtests': return <BacktestsPage selected={rest[0]} />;
    case 'system': return <SystemPage />;
  }
}
