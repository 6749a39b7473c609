import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openStorage } from '../../storage/index.js';
import { postgresForTests } from '../../../test/kit/services.js';
import { tempDir } from '../../../test/kit/tmp.js';
import { main } from '../main.js';

const FIXTURE = join(import.meta.dirname, '../../../test/fixtures/data/ADABTC-1m-2021-11-27.csv');
const dir = tempDir('arbiter-cli-data-');
const pg = await postgresForTests('cli-data');
afterAll(async () => {
  dir.remove();
  await pg?.drop();
});

let dbCount = 0;
const newDb = (): string => `sqlite:${dir.file(`cli-${dbCount++}.db`)}`;

/** Runs the CLI and captures what it printed. */
async function arbiter(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'arbiter', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('arbiter data import', () => {
  it('imports a Binance kline file and counts what a repeated or changed import does', async () => {
    const db = newDb();
    const first = await arbiter('data', 'import', FIXTURE, '--symbol', 'ADA/BTC', '--timeframe', '1m', '--venue', 'binance', '--database', db);
    expect(first.code).toBe(0);
    expect(first.out).toBe(`imported 10 1m candles of ADA/BTC (venue binance) into ${db}: 10 inserted, 0 updated, 0 unchanged\n`);
    expect(first.err).toMatch(/10 1m bars of ADA\/BTC \(binance/);
    const again = await arbiter('data', 'import', FIXTURE, '--symbol', 'ADA/BTC', '--timeframe', '1m', '--venue', 'binance', '--database', db, '--json');
    expect(JSON.parse(again.out)).toEqual({
      venue: 'binance', symbol: 'ADA/BTC', timeframe: '1m', rows: 10, inserted: 0, updated: 0, unchanged: 10,
      first: 1637971200000, last: 1637971740000, database: db,
    });
    // One row corrected, one row appended.
    const lines = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
    const cols = lines[3]!.split(',');
    cols[2] = '0.00002900';
    cols[4] = '0.00002900';
    lines[3] = cols.join(',');
    const next = lines[9]!.split(',');
    next[0] = String(Number(next[0]) + 60_000);
    next[6] = String(Number(next[6]) + 60_000);
    lines.push(next.join(','));
    const changed = dir.file('ADABTC-changed.csv');
    writeFileSync(changed, `${lines.join('\n')}\n`);
    const third = await arbiter('data', 'import', changed, '--symbol', 'ADA/BTC', '--timeframe', '1m', '--venue', 'binance', '--database', db, '--json');
    expect(JSON.parse(third.out)).toMatchObject({ rows: 11, inserted: 1, updated: 1, unchanged: 9 });
    const storage = await openStorage(db);
    try {
      const table = await storage.candles.read({ symbol: 'ADA/BTC', timeframe: '1m' });
      expect(table.length).toBe(11);
      expect(table.close[3]).toBe(0.000029);
      expect((await storage.audit.list({ action: 'data.imported' })).map((e) => e.details)).toHaveLength(3);
    } finally {
      await storage.close();
    }
  });

  it('takes symbol and timeframe from the file name and stores under the default venue', async () => {
    const db = newDb();
    const result = await arbiter('data', 'import', 'BTC_USDT-1h.csv', '--database', db, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ venue: 'default', symbol: 'BTC/USDT', timeframe: '1h', inserted: 744 });
  });

  it('shows progress when asked and still imports everything', async () => {
    const db = newDb();
    const rows = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 60_000; i++) rows.push(`${1_700_000_040_000 + i * 60_000},${100 + (i % 7)},${102 + (i % 7)},${99 + (i % 7)},${101 + (i % 7)},${i % 13}`);
    const file = dir.file('SYN_USDT-1m.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const result = await arbiter('data', 'import', file, '--database', db, '--progress', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ symbol: 'SYN/USDT', rows: 60_000, inserted: 60_000 });
  });

  it('fails with one line for a file that does not exist', async () => {
    const result = await arbiter('data', 'import', dir.file('nope.csv'), '--database', newDb());
    expect(result.code).toBe(1);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toMatch(/^error: .*nope\.csv: file not found/);
  });
});

describe('arbiter data list and export', () => {
  it('lists series as JSON with epoch-ms times, and says so when there are none', async () => {
    const db = newDb();
    expect((await arbiter('data', 'list', '--database', db)).out).toMatch(/^no candles in sqlite:.*; import some with: arbiter data import/);
    expect(JSON.parse((await arbiter('data', 'list', '--json', '--database', db)).out)).toEqual([]);
    await arbiter('data', 'import', FIXTURE, '--symbol', 'ADA/BTC', '--timeframe', '1m', '--venue', 'binance', '--database', db);
    await arbiter('data', 'import', 'BTC_USDT-1h.csv', '--database', db);
    expect(JSON.parse((await arbiter('data', 'list', '--json', '--database', db)).out)).toEqual([
      { venue: 'binance', symbol: 'ADA/BTC', timeframe: '1m', first: 1637971200000, last: 1637971740000, count: 10, gaps: 0 },
      { venue: 'default', symbol: 'BTC/USDT', timeframe: '1h', first: 1735689600000, last: 1738364400000, count: 744, gaps: 0 },
    ]);
    const text = (await arbiter('data', 'list', '--database', db)).out;
    expect(text).toMatch(/binance\s+│ ADA\/BTC\s+│ 1m\s+│ 2021-11-27\s+│ 2021-11-27 00:09\s+│ 10\s+│ 0/);
  });

  it('exports a range as CSV that imports back to the same candles', async () => {
    const db = newDb();
    await arbiter('data', 'import', 'BTC_USDT-1h.csv', '--venue', 'binance', '--database', db);
    const csv = await arbiter('data', 'export', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2025-01-02', '--to', '2025-01-02T03:00Z', '--database', db);
    expect(csv.code).toBe(0);
    const lines = csv.out.trimEnd().split('\n');
    expect(lines[0]).toBe('time,open,high,low,close,volume');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['2025-01-02T00:00:00.000Z', '2025-01-02T01:00:00.000Z', '2025-01-02T02:00:00.000Z']);

    const file = dir.file('out/BTC_USDT-1h.csv');
    const written = await arbiter('data', 'export', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--time', 'ms', '-o', file, '--database', db);
    expect(written.err).toBe(`exported 744 1h candles of BTC/USDT to ${file}\n`);
    const copy = newDb();
    const back = await arbiter('data', 'import', file, '--venue', 'binance', '--database', copy, '--json');
    expect(JSON.parse(back.out)).toMatchObject({ inserted: 744 });
    const [a, b] = await Promise.all([openStorage(db), openStorage(copy)]);
    try {
      const query = { symbol: 'BTC/USDT', timeframe: '1h' };
      const [x, y] = await Promise.all([a.candles.read(query), b.candles.read(query)]);
      for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(y[k])).toEqual(Array.from(x[k]));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('fails with one line for an unknown series, a bad date and an unreachable database', async () => {
    const db = newDb();
    const unknown = await arbiter('data', 'export', '--symbol', 'DOGE/USDT', '--timeframe', '1m', '--database', db);
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toMatch(/^error: storage: no candles stored for DOGE\/USDT 1m/);
    const badDate = await arbiter('data', 'export', '--symbol', 'X', '--timeframe', '1m', '--from', 'yesterday', '--database', db);
    expect(badDate.err).toBe('error: --from: expected an ISO-8601 date such as 2024-01-31 or 2024-01-31T12:00Z, got "yesterday"\n');
    const down = await arbiter('data', 'list', '--database', 'postgres://arbiter:pw123456@127.0.0.1:1/arbiter');
    expect(down.code).toBe(1);
    expect(down.err).toBe('error: DATABASE_URL: cannot open postgres://arbiter:***@127.0.0.1:1/arbiter (connection refused): check that PostgreSQL is running and listening on that host and port\n');
  });

  it.skipIf(!pg)('works the same on PostgreSQL', async () => {
    const imported = await arbiter('data', 'import', FIXTURE, '--symbol', 'ADA/BTC', '--timeframe', '1m', '--venue', 'binance', '--database', pg!.url, '--json');
    expect(JSON.parse(imported.out)).toMatchObject({ inserted: 10 });
    expect(JSON.parse((await arbiter('data', 'list', '--json', '--database', pg!.url)).out)).toEqual([
      { venue: 'binance', symbol: 'ADA/BTC', timeframe: '1m', first: 1637971200000, last: 1637971740000, count: 10, gaps: 0 },
    ]);
  });
});
