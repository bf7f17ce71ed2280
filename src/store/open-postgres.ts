import { Kysely, PostgresDialect } from 'kysely'
import { CadreError } from '../core/errors.ts'
import type { Database } from './database.ts'
import { createKyselyStore } from './kysely-store.ts'
import { migrateToLatest } from './migrate.ts'
import { refuseNulText } from './refuse-nul-text.ts'
import { unreachableDatabase } from './storage-failure.ts'
import type { Store } from './store.ts'

/** A connection URL fit for messages and logs: the password replaced. */
const describeDatabaseUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'an unparseable DATABASE_URL'
  }
}

/** Connects to PostgreSQL at `url` (pg is loaded only here) and migrates the database. */
export const openPostgresStore = async (url: string, options: { poolSize?: number } = {}): Promise<Store> => {
  const where = describeDatabaseUrl(url)
  const { default: pg } = await import('pg')
  // A server that drops packets, not refusing them, fails a connection in 5 s, not the system's
  // two minutes: requests answer 503 meanwhile instead of hanging.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
  })
  // A client that loses its server must not crash the process, idle in the pool or checked out
  // (between two queries of a transaction): the next query on it reports it, and the pool drops it.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  // A connection that cannot be made says so as the database's, not as any refused connection.
  const marked = {
    Client: pg.Client,
    options: pool.options,
    connect: () => pool.connect().catch((error: unknown) => Promise.reject(unreachableDatabase(error))),
    end: () => pool.end(),
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: marked }),
    plugins: [refuseNulText],
  })
  try {
    const client = await pool.connect()
    client.release()
    await migrateToLatest(db as Kysely<unknown>, where)
  } catch (error) {
    await db.destroy()
    if (error instanceof CadreError) throw error
    throw new CadreError('unavailable', `cannot use PostgreSQL at ${where}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return createKyselyStore(db, 'postgres')
}
