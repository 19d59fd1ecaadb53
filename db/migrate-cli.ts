/** `npm run db:migrate`: applies pending migrations to DATABASE_URL. */
import { loadConfig } from '../core/config.js';
import { createDb } from './client.js';
import { migrateToLatest } from './migrator.js';

const config = loadConfig(process.env);
const db = createDb(config);
try {
  const { applied } = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.destroy();
}
