/**
 * The `/ws` stream: one WebSocket for the whole dashboard, reconnecting with backoff, fanning
 * messages out by topic. Panels subscribe to the topics they draw and otherwise poll, so a
 * dropped stream degrades to slower updates, never to a blank page.
 */
import { tokenStore } from './token.js';

export type LiveStatus = 'connecting' | 'open' | 'closed';

export interface LiveMessage {
  readonly topic: string;
  readonly data: unknown;
}

type Handler = (data: unknown, topic: string) => void;

/** Reads a frame in any of the shapes `{topic|type|channel, data|payload|…}`. */
export function parseLiveFrame(text: string): LiveMessage | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof frame !== 'object' || frame === null) return undefined;
  const record = frame as Record<string, unknown>;
  const topic = [record.topic, record.channel, record.type, record.kind].find((x): x is string => typeof x === 'string');
  if (!topic) return undefined;
  const data = 'data' in record ? record.data : 'payload' in record ? record.payload : record;
  return { topic, data };
}

export class LiveStream {
  private socket: WebSocket | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private current: LiveStatus = 'closed';
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  /** Messages received since the page loaded (the System page shows it). */
  received = 0;
  lastMessageAt: number | undefined;

  constructor(private readonly url: () => string) {}

  get status(): LiveStatus {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = undefined;
    this.setStatus('closed');
  }

  /** Reconnects now (after a new token was entered). */
  restart(): void {
    this.stop();
    this.attempt = 0;
    this.start();
  }

  /** Calls `handler` with each message of `topic` ('*' for all); returns the unsubscribe. */
  on(topic: string, handler: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Sends a JSON frame when the socket is open (subscription requests). */
  send(frame: unknown): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private connect(): void {
    this.setStatus('connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      const message = parseLiveFrame(event.data);
      if (!message) return;
      this.received++;
      this.lastMessageAt = Date.now();
      this.dispatch(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.setStatus('closed');
      this.scheduleReconnect();
    };
  }

  private dispatch(message: LiveMessage): void {
    for (const key of [message.topic, '*']) {
      const set = this.handlers.get(key);
      if (!set) continue;
      for (const handler of set) {
        try {
          handler(message.data, message.topic);
        } catch (error) {
          console.error(`live handler for ${message.topic} failed`, error);
        }
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = Math.min(15_000, 500 * 2 ** this.attempt++);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.current) return;
    this.current = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

/** The stream for this page's server (`ws[s]://<host>/ws?token=…`). */
export function defaultLiveUrl(): string {
  const url = new URL('/ws', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = tokenStore.get();
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

export const live = new LiveStream(defaultLiveUrl);
