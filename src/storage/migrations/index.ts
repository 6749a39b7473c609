/** Every migration in version order. Add a new file and append it here; never edit a released one. */
import { initialSchema } from './0001-initial-schema.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

export const migrations: readonly Migration[] = [initialSchema];
