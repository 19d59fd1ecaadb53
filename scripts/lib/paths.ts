import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Git-ignored folder for the embedded servers' data (PostgreSQL cluster, Temporal SQLite file);
 * ATELIER_DATA_DIR puts it elsewhere (a second platform on the same machine, the launcher test).
 */
export const DATA_DIR = process.env.ATELIER_DATA_DIR || `${ROOT}.data`;
