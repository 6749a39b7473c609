/**
 * The `/ws` stream. Bus events become frames `{"topic", "data"}`; each event is serialised once
 * and sent to every client subscribed to its topic. A client that reads too slowly (more than
 * `maxBufferedBytes` waiting in its socket) misses frames instead of growing the server's memory;
 * the misses are counted and the client is told with one `dropped` frame once it catches up.
 * Publishing to a topic nobody subscribed costs one array read, so an idle stream does not slow
 * the kernel down.
 */
import type { WebSocket } from 'ws';
import type { ApiMetrics } from './metrics.js';
import type { Caller } from './route.js';

export const wsTopics = ['candles', 'orders', 'fills', 'positions', 'pnl', 'signals', 'decisions', 'risk', 'status', 'jobs', 'tradingview'] as const;
export type WsTopic = (typeof wsTopics)[number];

export function isWsTopic(value: unknown): value is WsTopic {
  return typeof value === 'string' && (wsTopics as readonly string[]).includes(value);
}

interface Client {
  readonly socket: WebSocket;
  readonly topics: Set<WsTopic>;
  readonly caller: Caller;
  dropped: number;
}

/** Socket readyState OPEN. */
const OPEN = 1;

export class WsHub {
  private readonly clients = new Set<Client>();
  private readonly subscribers = new Map<WsTopic, number>(wsTopics.map((t) => [t, 0]));

  constructor(
    private readonly metrics: ApiMetrics,
    private readonly maxBufferedBytes = 1 << 20,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** True when someone listens to the topic (publishers skip building frames otherwise). */
  wants(topic: WsTopic): boolean {
    return (this.subscribers.get(topic) ?? 0) > 0;
  }

  /** Adds an authenticated client with its initial topics; returns its handle. */
  add(socket: WebSocket, caller: Caller, topics: readonly WsTopic[]): Client {
    const client: Client = { socket, topics: new Set(), caller, dropped: 0 };
    this.clients.add(client);
    this.metrics.wsConnections++;
    this.subscribe(client, topics);
    return client;
  }

  remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    for (const t of client.topics) this.subscribers.set(t, this.subscribers.get(t)! - 1);
    client.topics.clear();
  }

  subscribe(client: Client, topics: readonly WsTopic[]): void {
    for (const t of topics) {
      if (client.topics.has(t)) continue;
      client.topics.add(t);
      this.subscribers.set(t, this.subscribers.get(t)! + 1);
    }
  }

  unsubscribe(client: Client, topics: readonly WsTopic[]): void {
    for (const t of topics) {
      if (!client.topics.delete(t)) continue;
      this.subscribers.set(t, this.subscribers.get(t)! - 1);
    }
  }

  /** Sends one frame to one client (replies to its own requests), subject to the same backpressure. */
  sendTo(client: Client, topic: string, data: unknown): void {
    this.deliver(client, JSON.stringify({ topic, data }));
  }

  /** Publishes `data()` on a topic; `data` is called only when someone listens. */
  publish(topic: WsTopic, data: () => unknown): void {
    if (!this.wants(topic)) return;
    this.metrics.events.mark();
    const frame = JSON.stringify({ topic, data: data() });
    for (const client of this.clients) if (client.topics.has(topic)) this.deliver(client, frame);
  }

  private deliver(client: Client, frame: string): void {
    const socket = client.socket;
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      client.dropped++;
      this.metrics.wsMessagesDropped++;
      return;
    }
    if (client.dropped > 0) {
      socket.send(JSON.stringify({ topic: 'dropped', data: { count: client.dropped } }));
      client.dropped = 0;
    }
    socket.send(frame);
    this.metrics.wsMessagesSent++;
  }

  /** Closes every client (server shutdown). */
  closeAll(code = 1001, reason = 'server shutting down'): void {
    for (const client of this.clients) {
      try {
        client.socket.close(code, reason);
      } catch {
        // already closing
      }
      this.remove(client);
    }
  }
}
