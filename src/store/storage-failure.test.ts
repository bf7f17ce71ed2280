import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-stores.ts'
import { CadreError } from '../core/errors.ts'
import { runTransaction } from './session-context.ts'
import { storageFailure, unreachableDatabase } from './storage-failure.ts'

/** A SQLite database of one table holding one row, and the raw connection under it. */
const openDatabase = async (options: BetterSqlite.Options = {}) => {
  const file = join(mkdtempSync(join(tmpdir(), 'cadre-storage-')), 'cadre.db')
  const setup = new BetterSqlite(file)
  setup.pragma('journal_mode = WAL')
  setup.exec("create table notes (body text); insert into notes values ('kept')")
  setup.close()
  const raw = new BetterSqlite(file, options)
  // biome-ignore lint/suspicious/noExplicitAny: a one-table test schema
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) })
  return { db, raw }
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('the write went through'),
    (error: unknown) => error,
  )

describe('a database that cannot take writes', () => {
  it('reports a full disk as such, not as the rollback that follows it, and goes on once there is room', async () => {
    const { db, raw } = await openDatabase()
    // As full as a disk with no room left: no page can be added.
    raw.pragma(`max_page_count = ${raw.pragma('page_count', { simple: true })}`)
    const big = 'x'.repeat(1 << 20)
    const error = await failureOf(
      runTransaction(db, 'sqlite', (tx) => sql`insert into notes values (${big})`.execute(tx)),
    )
    expect(error).toMatchObject({ code: 'SQLITE_FULL' })
    expect(storageFailure(error)).toMatchObject({
      code: 'unavailable',
      status: 503,
      details: { storage: 'disk_full' },
      message:
        'the database cannot be written: the disk is full (database or disk is full); free some space. Nothing stored is lost',
    })
    // The connection is not left inside a dead transaction: with room again, writes go through.
    raw.pragma('max_page_count = 1000000')
    await runTransaction(db, 'sqlite', (tx) => sql`insert into notes values (${big})`.execute(tx))
    expect(raw.prepare('select count(*) as n from notes').get()).toEqual({ n: 2 })
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
    await db.destroy()
  })

  it('reports a read-only database as such', async () => {
    const { db } = await openDatabase({ readonly: true })
    const error = await failureOf(
      runTransaction(db, 'sqlite', (tx) => sql`insert into notes values ('new')`.execute(tx)),
    )
    expect(storageFailure(error)?.message).toMatch(
      /^the database cannot be written: it is read-only \(attempt to write a readonly database\); make the database file and its folder writable/,
    )
    await db.destroy()
  })

  it('finds the cause under a wrapper, knows the file system and PostgreSQL codes, and leaves other errors alone', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    expect(storageFailure(new CadreError('internal', 'wrapped', { cause: enospc }))?.details).toEqual({
      storage: 'disk_full',
    })
    const postgres = Object.assign(new Error('cannot execute INSERT in a read-only transaction'), {
      code: '25006',
    })
    expect(storageFailure(postgres)?.details).toEqual({ storage: 'read_only' })
    expect(storageFailure(Object.assign(new Error('UNIQUE'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(
      undefined,
    )
    expect(storageFailure(new Error('anything else'))).toBe(undefined)
    expect(storageFailure(undefined)).toBe(undefined)
  })

  it("knows PostgreSQL gone (shutting down, the connection cut, the pool's refused connection), and no other refused connection", () => {
    const unreachable = (error: Error) => storageFailure(error)?.details
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    })
    expect(unreachable(shutdown)).toEqual({ storage: 'unreachable' })
    expect(unreachable(new Error('Connection terminated unexpectedly'))).toEqual({ storage: 'unreachable' })
    const refused = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    expect(storageFailure(unreachableDatabase(refused()))?.message).toBe(
      "the database cannot be reached (connect ECONNREFUSED 127.0.0.1:5432); check that PostgreSQL is running, reachable and accepts Cadre's credentials. Nothing stored is lost",
    )
    // A model provider or a webhook's receiver refusing is not the database.
    expect(storageFailure(refused())).toBe(undefined)
  })
})

describe('PostgreSQL ending a connection in the middle of a transaction', () => {
  it('fails that transaction as the database unreachable, never the process, and the store goes on (regression: an unhandled error event ended the server)', async () => {
    await using database = await createTestDatabase('postgres')
    const store = await database.connect()
    let inTransaction: () => void = () => {}
    const holding = new Promise<void>((resolve) => {
      inTransaction = resolve
    })
    let terminated: () => void = () => {}
    const ended = new Promise<void>((resolve) => {
      terminated = resolve
    })
    const transaction = store.transaction(async (session) => {
      await session.projects.list()
      inTransaction()
      // Between two queries: the connection is checked out, waiting on something else.
      await ended
      return session.projects.list()
    })
    await holding
    // As a server shutting down, or an administrator, ends every other connection.
    await database.execute(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    terminated()
    const error = await failureOf(transaction)
    expect(storageFailure(error)?.details).toEqual({ storage: 'unreachable' })
    expect(await store.projects.list()).toEqual([])
  })
})
