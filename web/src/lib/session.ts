/** Data every page shares: the risk read model (the bar shows the state), the token's scopes, the account. */
import { createContext, useContext } from 'react';
import type { Resource } from './hooks.js';
import type { Account, RiskSnapshot, WhoAmI } from '../api/types.js';

export interface Session {
  readonly risk: Resource<RiskSnapshot>;
  readonly whoami: Resource<WhoAmI>;
  readonly account: Resource<Account>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <App>');
  return session;
}

/** Whether the token has a scope (`admin` ⊃ `trade` ⊃ `read`); unknown while whoami loads. */
export function hasScope(scopes: readonly string[] | undefined, scope: 'read' | 'trade' | 'admin'): boolean | undefined {
  if (!scopes) return undefined;
  const rank = { read: 0, trade: 1, admin: 2 } as const;
  return scopes.some((s) => s in rank && rank[s as keyof typeof rank] >= rank[scope]);
}
