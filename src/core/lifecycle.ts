/**
 * Component lifecycle (ARCHITECTURE.md, convention 8): states visible in the API, so that a
 * disconnected feed shows as degraded rather than as silence.
 */
export type ComponentState = 'ready' | 'running' | 'degraded' | 'faulted' | 'stopped';

export interface ComponentStatus {
  readonly name: string;
  readonly state: ComponentState;
  /** Why the component is degraded or faulted. */
  readonly reason?: string;
  readonly since: number;
}

/** Holds a component's state and tells listeners when it changes. */
export class Lifecycle {
  private status: ComponentStatus;
  private readonly listeners: Array<(status: ComponentStatus) => void> = [];

  constructor(
    readonly name: string,
    private readonly now: () => number = Date.now,
  ) {
    this.status = { name, state: 'ready', since: now() };
  }

  get current(): ComponentStatus {
    return this.status;
  }

  transition(state: ComponentState, reason?: string): void {
    if (state === this.status.state && reason === this.status.reason) return;
    this.status = reason === undefined ? { name: this.name, state, since: this.now() } : { name: this.name, state, reason, since: this.now() };
    for (const listener of this.listeners) listener(this.status);
  }

  onChange(listener: (status: ComponentStatus) => void): void {
    this.listeners.push(listener);
  }
}
