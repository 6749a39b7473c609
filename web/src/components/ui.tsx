/** Small building blocks shared by the pages: panels, errors, tables, stats, dialogs. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/client.js';

export function Panel({ title, actions, children, className, id }: { title: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  const headingId = useId();
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={headingId} id={id}>
      <header className="panel-head">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

/** An API error as the API said it, with the status; `role=alert` so screen readers hear it. */
export function ErrorBanner({ error, onRetry, onDismiss }: { error: unknown; onRetry?: () => void; onDismiss?: () => void }) {
  if (error === undefined || error === null) return null;
  const status = error instanceof ApiError ? error.status : undefined;
  const hint = status === 401 ? ' Enter an API token (top right).' : status === 403 ? ' The token lacks the scope this needs.' : '';
  return (
    <div className="error" role="alert" data-testid="api-error">
      <span className="error-text">{describeError(error)}{hint}</span>
      {onRetry ? <button type="button" className="btn small" onClick={onRetry}>Retry</button> : null}
      {onDismiss ? <button type="button" className="btn small ghost" onClick={onDismiss} aria-label="Dismiss error">✕</button> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status">Loading {what}…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted empty">{children}</p>;
}

export interface Column<T> {
  readonly key: string;
  readonly header: ReactNode;
  readonly cell: (row: T) => ReactNode;
  readonly numeric?: boolean;
  readonly className?: (row: T) => string;
}

export function DataTable<T>({ rows, columns, rowKey, caption, empty, max, testId }: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string;
  caption: string;
  empty?: ReactNode;
  max?: number;
  testId?: string;
}) {
  const [limit, setLimit] = useState(max ?? Infinity);
  if (rows.length === 0) return <Empty>{empty ?? 'Nothing yet.'}</Empty>;
  const shown = rows.slice(0, limit);
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>{columns.map((c) => <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            <tr key={rowKey(row, i)}>
              {columns.map((c) => <td key={c.key} className={[c.numeric ? 'num' : '', c.className?.(row) ?? ''].join(' ').trim() || undefined}>{c.cell(row)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length ? (
        <button type="button" className="btn small ghost more" onClick={() => setLimit((l) => l + (max ?? 50))}>
          Show more ({rows.length - shown.length} hidden)
        </button>
      ) : null}
    </div>
  );
}

export function Stat({ label, value, tone, hint, testId }: { label: string; value: ReactNode; tone?: string; hint?: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${tone ?? ''}`}>{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

export function Badge({ children, tone }: { children: ReactNode; tone?: 'good' | 'warn' | 'bad' | 'info' | 'muted' }) {
  return <span className={`badge ${tone ?? 'muted'}`}>{children}</span>;
}

/** A modal confirmation (native <dialog>: focus trap, Escape closes, focus returns to the opener). */
export function ConfirmDialog({ open, title, children, confirmLabel, danger, pending, error, onConfirm, onCancel }: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); onConfirm(); }}>
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body">{children}</div>
        <ErrorBanner error={error} />
        <div className="dialog-actions">
          <button type="button" className="btn ghost" onClick={onCancel}>Cancel</button>
          <button type="submit" className={`btn ${danger ? 'danger' : 'primary'}`} disabled={pending} data-testid="confirm-button">
            {pending ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** Trading state as a coloured pill. */
export function StatePill({ state }: { state: string | undefined }) {
  const tone = state === 'ACTIVE' ? 'good' : state === 'REDUCING' ? 'warn' : state === 'HALTED' ? 'bad' : 'muted';
  return <span className={`pill ${tone}`} data-testid="trading-state">{state ?? 'unknown'}</span>;
}

export function Field({ label, children, hint }: { label: string; children: (id: string) => ReactNode; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <div className="field-hint">{hint}</div> : null}
    </div>
  );
}
