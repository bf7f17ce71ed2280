import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { CadreError } from '../core/errors.ts'
import { withCachedStatements } from './cached-statements.ts'
import type { Database } from './database.ts'
import { createKyselyStore } from './kysely-store.ts'
import { migrateToLatest } from './migrate.ts'
import { runTransaction } from './session-context.ts'
import { storageFailure } from './storage-failure.ts'
import type { Store } from './store.ts'

/** Why the database cannot be used: what to do too, when the disk is full or read-only. */
const reasonOf = (error: unknown) => storageFailure(error)?.message ?? (error as Error).message

/**
 * Opens (creating if needed) the SQLite database at `file` in WAL mode and migrates it.
 * synchronous=NORMAL in WAL keeps every commit across a process crash; only a power loss can drop
 * the last few, which is the usual trade for an order of magnitude more appends per second.
 */
export const openSqliteStore = async (file: string): Promise<Store> => {
  const { default: BetterSqlite } = await import('better-sqlite3')
  let database: InstanceType<typeof BetterSqlite>
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    database = new BetterSqlite(file)
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('foreign_keys = ON')
    // Short: writers wait for the lock asynchronously in runTransaction instead.
    database.pragma('busy_timeout = 5')
  } catch (error) {
    throw new CadreError('unavailable', `cannot open the database ${file}: ${reasonOf(error)}`, {
      cause: error,
    })
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withCachedStatements(database) }),
  })
  try {
    await migrateToLatest(db as Kysely<unknown>, file)
    // Taking the write lock proves the file is writable now, not at the first task.
    await runTransaction(db, 'sqlite', async (tx) => {
      await sql`update settings set key = key where 0 = 1`.execute(tx)
    })
  } catch (error) {
    await db.destroy()
    if (error instanceof CadreError) throw error
    throw new CadreError('unavailable', `cannot use the database ${file}: ${reasonOf(error)}`, {
      cause: error,
    })
  }
  return createKyselyStore(db, 'sqlite')
}
