import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ApiMetrics } from './metrics.js';
import { WsHub } from './ws.js';

/** A socket whose send buffer the test controls. */
function fakeSocket() {
  const frames: string[] = [];
  return { frames, readyState: 1, bufferedAmount: 0, send(f: string) { frames.push(f); }, close() { this.readyState = 3; } };
}
const caller = { id: 'ses_1', scopes: ['read'] as const, createdAt: 0, createdBy: 'test', source: 'session' as const };

describe('WsHub', () => {
  it('sends each event to the clients subscribed to its topic, serialising it once', () => {
    const hub = new WsHub(new ApiMetrics());
    const a = fakeSocket();
    const b = fakeSocket();
    hub.add(a as unknown as WebSocket, caller, ['candles']);
    hub.add(b as unknown as WebSocket, caller, ['orders']);
    let built = 0;
    hub.publish('candles', () => ({ n: ++built }));
    hub.publish('fills', () => ({ n: ++built }));
    expect(built).toBe(1);
    expect(a.frames).toEqual(['{"topic":"candles","data":{"n":1}}']);
    expect(b.frames).toEqual([]);
  });

  it('builds nothing when nobody listens', () => {
    const hub = new WsHub(new ApiMetrics());
    hub.publish('candles', () => {
      throw new Error('must not be called');
    });
    expect(hub.wants('candles')).toBe(false);
  });

  it('drops frames for a slow client instead of buffering, and tells it how many once it catches up', () => {
    const metrics = new ApiMetrics();
    const hub = new WsHub(metrics, 1000);
    const slow = fakeSocket();
    const fast = fakeSocket();
    hub.add(slow as unknown as WebSocket, caller, ['candles']);
    hub.add(fast as unknown as WebSocket, caller, ['candles']);
    slow.bufferedAmount = 5000;
    for (let i = 0; i < 3; i++) hub.publish('candles', () => ({ i }));
    expect(slow.frames).toEqual([]);
    expect(fast.frames).toHaveLength(3);
    slow.bufferedAmount = 0;
    hub.publish('candles', () => ({ i: 3 }));
    expect(slow.frames).toEqual(['{"topic":"dropped","data":{"count":3}}', '{"topic":"candles","data":{"i":3}}']);
    expect(metrics.wsMessagesDropped).toBe(3);
  });

  it('forgets a client\'s subscriptions when it leaves', () => {
    const hub = new WsHub(new ApiMetrics());
    const client = hub.add(fakeSocket() as unknown as WebSocket, caller, ['candles', 'orders']);
    hub.unsubscribe(client, ['orders']);
    expect(hub.wants('orders')).toBe(false);
    hub.remove(client);
    expect(hub.wants('candles')).toBe(false);
    expect(hub.size).toBe(0);
  });
});
