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

/**
 * One transaction on one connection. SQLite takes the write lock up front (BEGIN IMMEDIATE): a
 * deferred transaction that reads and then writes fails at once when another connection wrote
 * meanwhile, instead of waiting its turn.
 */
export const runTransaction = <T>(
  db: Kysely<Database>,
  engine: StoreEngine,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> =>
  db.connection().execute(async (connection) => {
    await sql.raw(engine === 'sqlite' ? 'begin immediate' : 'begin').execute(connection)
    try {
      const result = await work(connection)
      await sql.raw('commit').execute(connection)
      return result
    } catch (error) {
      await sql.raw('rollback').execute(connection)
      throw error
    }
  })

export const now = (): string => new Date().toISOString()

/** Whether a database error is a unique-constraint violation, on either engine. */
export const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
