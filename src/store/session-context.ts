import { type Kysely, sql } from 'kysely'
import type { Database } from './database.ts'
import type { StoreEngine } from './store.ts'

/** What every repository needs: the executor it queries through and a way to group writes. */
export interface SessionContext {
  readonly db: Kysely<Database>
  readonly engine: StoreEngine
  /** Runs `work` atomically: in a new transaction at the top level, directly inside an open one. */
  atomically<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>
}

const busyRetryLimitMs = 15_000

const isBusy = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED'
}

const begin = async (connection: Kysely<Database>, engine: StoreEngine) => {
  if (engine === 'postgres') return void (await sql.raw('begin').execute(connection))
  // SQLite takes the write lock up front (BEGIN IMMEDIATE): a deferred transaction that reads, then
  // writes, fails when another connection wrote meanwhile. The lock is waited for here, without
  // blocking the event loop (busy_timeout would, and then the holder in this process never commits).
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    try {
      return void (await sql.raw('begin immediate').execute(connection))
    } catch (error) {
      if (!isBusy(error) || Date.now() - started > busyRetryLimitMs) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 1 + attempt) * Math.random()))
    }
  }
}

/** One transaction on one connection: committed when `work` resolves, rolled back when it throws. */
export const runTransaction = <T>(
  db: Kysely<Database>,
  engine: StoreEngine,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> =>
  db.connection().execute(async (connection) => {
    await begin(connection, engine)
    try {
      const result = await work(connection)
      await sql.raw('commit').execute(connection)
      return result
    } catch (error) {
      // SQLite ends the transaction itself on some failures (disk full, I/O error): the rollback
      // then fails too, and the error that says what happened is the first one.
      await sql
        .raw('rollback')
        .execute(connection)
        .catch(() => {})
      throw error
    }
  })

export const now = (): string => new Date().toISOString()

/** Whether a database error is a unique-constraint violation, on either engine. */
export const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
