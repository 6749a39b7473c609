/** Reads a data file, turning file-system failures into DataErrors that name the path. */
import { readFile } from 'node:fs/promises';
import { DataError } from '../core/errors.js';

export async function readSource(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found'
      : code === 'EISDIR' ? 'is a directory, not a file'
      : code === 'EACCES' ? 'permission denied'
      : `cannot read the file (${(error as Error).message})`;
    throw new DataError(reason, { source: path }, { cause: error });
  }
}
