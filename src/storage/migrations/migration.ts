/** A schema migration. Versions are consecutive integers; a released migration never changes. */
import type { Kysely } from 'kysely';
import type { StorageDialect } from '../port.js';

export interface Migration {
  readonly version: number;
  /** Short description, stored with the version: a different name for a stored version means another schema. */
  readonly name: string;
  /** Runs inside the migration transaction. */
  up(db: Kysely<unknown>, dialect: StorageDialect): Promise<void>;
}
