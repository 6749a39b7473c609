import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireService, tcpReachable } from './services.js';

/** A port nothing listens on: bind an ephemeral port, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('requireService', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    vi.restoreAllMocks();
  });

  it('returns the URL of a service that answers', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await tcpReachable('127.0.0.1', port)).toBe(true);
      const url = `redis://127.0.0.1:${port}`;
      expect(await requireService({ name: 'Fake', url, defaultPort: 1, enableHint: 'start it' })).toBe(url);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('skips with one line saying how to enable the tests when the service is absent', async () => {
    delete process.env.CI;
    const port = await closedPort();
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const url = await requireService({ name: `Absent-${port}`, url: `postgres://127.0.0.1:${port}/x`, defaultPort: 5432, enableHint: 'start it on that port or set TEST_X_URL' });
    expect(url).toBeUndefined();
    expect(lines).toEqual([`skipped: Absent-${port} is not reachable at 127.0.0.1:${port} — start it on that port or set TEST_X_URL\n`]);
  });

  it('fails under CI=true when the service is absent', async () => {
    process.env.CI = 'true';
    const port = await closedPort();
    await expect(requireService({ name: 'Absent', url: `postgres://127.0.0.1:${port}/x`, defaultPort: 5432, enableHint: 'start it' }))
      .rejects.toThrow(`Absent is not reachable at 127.0.0.1:${port}; CI=true requires it (start it)`);
  });
});
