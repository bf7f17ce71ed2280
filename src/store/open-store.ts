import { join } from 'node:path'
import { openPostgresStore } from './open-postgres.ts'
import { openSqliteStore } from './open-sqlite.ts'
import type { Store } from './store.ts'

/** PostgreSQL when a DATABASE_URL is given, else the embedded SQLite file in CADRE_HOME. */
export const openStore = (options: { databaseUrl?: string; home: string }): Promise<Store> =>
  options.databaseUrl
    ? openPostgresStore(options.databaseUrl)
    : openSqliteStore(join(options.home, 'cadre.db'))
