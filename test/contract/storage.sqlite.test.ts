/** The Storage contract on SQLite (a fresh file per test). */
import { afterAll } from 'vitest';
import { openStorage } from '../../src/storage/index.js';
import { tempDir } from '../kit/tmp.js';
import { storageContract } from './storage.contract.js';

const dir = tempDir('arbiter-storage-contract-');
let n = 0;
afterAll(() => dir.remove());

storageContract('SQLite', () => openStorage(`sqlite:${dir.file(`db-${n++}.sqlite`)}`));
