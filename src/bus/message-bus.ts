/**
 * The message bus: topics (publish/subscribe) and endpoints (request/response). Dispatch is
 * synchronous and in subscription order, which makes runs deterministic and lets the kernel decide
 * who hears an event first (the portfolio before the strategy). Hot publishers hold a Channel, so
 * publishing is a loop over an array: no lookup, no allocation.
 */
import type { Topic, Topics } from './topics.js';

export type Handler<T> = (message: T) => void;
export type Unsubscribe = () => void;

/** One topic's subscribers. Keep a reference to publish without looking the topic up. */
export class Channel<T> {
  /** Replaced (never mutated) on subscribe/unsubscribe, so dispatch in progress is undisturbed. */
  handlers: ReadonlyArray<Handler<T>> = [];

  publish(message: T): void {
    const list = this.handlers;
    for (let i = 0; i < list.length; i++) list[i]!(message);
  }

  get hasSubscribers(): boolean {
    return this.handlers.length > 0;
  }
}

export class MessageBus {
  private readonly channels = new Map<string, Channel<never>>();
  private readonly endpoints = new Map<string, (request: never) => unknown>();

  /** The channel of a topic (created on first use). */
  channel<K extends Topic>(topic: K): Channel<Topics[K]> {
    let channel = this.channels.get(topic) as Channel<Topics[K]> | undefined;
    if (!channel) {
      channel = new Channel<Topics[K]>();
      this.channels.set(topic, channel);
    }
    return channel;
  }

  /** Subscribes to a topic; returns a function that unsubscribes. */
  subscribe<K extends Topic>(topic: K, handler: Handler<Topics[K]>): Unsubscribe {
    const channel = this.channel(topic);
    channel.handlers = [...channel.handlers, handler];
    return () => {
      channel.handlers = channel.handlers.filter((h) => h !== handler);
    };
  }

  publish<K extends Topic>(topic: K, message: Topics[K]): void {
    this.channels.get(topic)?.publish(message as never);
  }

  /** Whether anyone listens to a topic (to skip building messages nobody reads). */
  hasSubscribers(topic: Topic): boolean {
    return this.channels.get(topic)?.hasSubscribers ?? false;
  }

  /** Registers the single handler of a request/response endpoint. */
  register<Req, Res>(endpoint: string, handler: (request: Req) => Res): void {
    if (this.endpoints.has(endpoint)) throw new Error(`endpoint ${endpoint} is already registered`);
    this.endpoints.set(endpoint, handler);
  }

  request<Req, Res>(endpoint: string, request: Req): Res {
    const handler = this.endpoints.get(endpoint) as ((r: Req) => Res) | undefined;
    if (!handler) throw new Error(`no handler registered for endpoint ${endpoint}`);
    return handler(request);
  }
}
