/**
 * Crash safety: writer processes are killed with SIGKILL at random points and restarted, 50 times.
 * Each writer writes to SQLite and PostgreSQL at once, so every kill interrupts both: 50 kill
 * points per database (two writers at once, 25 kills each). After every restart the journal must
 * replay and verify; at the end every acknowledged write must be there, nothing half-written,
 * nothing duplicated.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/index.js';
import { postgresForTests } from '../kit/services.js';
import { tempDir } from '../kit/tmp.js';
import { Acks, checkConsistency, runWriter, startWriter } from './storage-children.js';

const KILLS = 50;
/** Writers killed and restarted concurrently, so that kills also land while another process writes. */
const LANES = ['A', 'B'] as const;
const dir = tempDir('arbiter-crash-');
const pg = await postgresForTests('storage-crash');
afterAll(async () => {
  dir.remove();
  await pg?.drop();
});

/** A small seeded generator, so that a failing run can be repeated (the seed is in the test name). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function lane(urls: readonly string[], writer: string, kills: number, random: () => number, acks: readonly Acks[]): Promise<void> {
  for (let k = 0; k < kills; k++) {
    const child = startWriter(urls, writer, 'forever', acks);
    // One kill in ten lands during start-up (opening, migrating, replaying); the rest while
    // writing: once every database has acknowledged a write, anywhere in the next 250 ms.
    if (k % 10 === 9) {
      await new Promise((r) => setTimeout(r, random() * 300));
    } else {
      await child.writing;
      await new Promise((r) => setTimeout(r, random() * 250));
    }
    child.process.kill('SIGKILL');
    const { code, signal, stderr } = await child.exited;
    expect(stderr, `${writer} kill ${k}: the writer failed on its own`).toBe('');
    expect({ code, signal }, `${writer} kill ${k}: the writer exited before the kill`).toEqual({ code: null, signal: 'SIGKILL' });
  }
}

describe('crash safety under SIGKILL', () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const names = pg ? 'SQLite and PostgreSQL' : 'SQLite (PostgreSQL not reachable)';

  it(`${names}: ${KILLS} kills each, then every acknowledged write is there and nothing is half-written (CRASH_SEED=${seed})`, async () => {
    const urls = [`sqlite:${dir.file('crash.db')}`, ...(pg ? [pg.url] : [])];
    const acks = urls.map(() => new Acks());
    const random = rng(seed);
    await Promise.all(LANES.map((writer) => lane(urls, writer, KILLS / LANES.length, random, acks)));
    const storages = await Promise.all(urls.map((url) => openStorage(url)));
    try {
      const highest = await Promise.all(storages.map((storage, db) => checkConsistency(storage, acks[db]!, [...LANES, 'S'], false)));
      for (const h of highest) for (const writer of LANES) expect(h.get(writer)).toBeGreaterThanOrEqual(1);
      // A last restart of each writer runs to a clean end and completes the order its final kill interrupted.
      await Promise.all(LANES.map((writer) => runWriter(urls, writer, Math.max(...highest.map((h) => h.get(writer) ?? 0)) + 2, acks)));
      for (const [db, storage] of storages.entries()) await checkConsistency(storage, acks[db]!, [...LANES, 'S'], true);
    } finally {
      await Promise.all(storages.map((s) => s.close()));
    }
  }, 300_000);
});
