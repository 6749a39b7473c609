/**
 * The Storage contract on PostgreSQL (a fresh schema per test). Skipped with one line when no
 * server answers on 127.0.0.1:5432 (or TEST_DATABASE_URL); a failure under CI=true.
 */
import { afterAll, describe, it } from 'vitest';
import { openStorage } from '../../src/storage/index.js';
import { postgresForTests } from '../kit/services.js';
import { storageContract } from './storage.contract.js';

const pg = await postgresForTests('storage-contract');
afterAll(async () => {
  await pg?.drop();
});

if (pg) {
  let first = true;
  storageContract('PostgreSQL', async () => {
    const url = first ? pg.url : await pg.another();
    first = false;
    return openStorage(url);
  });
} else {
  describe.skip('Storage contract: PostgreSQL (server not reachable)', () => {
    it('needs PostgreSQL', () => undefined);
  });
}
