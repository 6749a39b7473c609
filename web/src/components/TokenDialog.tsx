/** Asks for an API token (after a 401, or from the bar's button). */
import { useEffect, useId, useRef, useState } from 'react';

export function TokenDialog({ open, onSubmit, onCancel }: { open: boolean; onSubmit: (token: string) => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState('');
  const titleId = useId();
  const inputId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <form onSubmit={(e) => { e.preventDefault(); if (value.trim()) onSubmit(value.trim()); setValue(''); }}>
        <h2 id={titleId}>API token</h2>
        <div className="dialog-body">
          <p>
            The server answered 401: this dashboard needs a token. <code>npm start</code> prints a dashboard link with a
            session token; otherwise create one with <code>npx arbiter token create --scope admin</code>.
          </p>
          <label htmlFor={inputId}>Token</label>
          <input id={inputId} type="password" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} placeholder="arb_…" />
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn ghost" onClick={onCancel}>Cancel</button>
          <button type="submit" className="btn primary" disabled={!value.trim()}>Use token</button>
        </div>
      </form>
    </dialog>
  );
}
