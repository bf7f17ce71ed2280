import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import { inject } from 'vitest'
import type { Task } from '../../src/core/entities.ts'
import { ProjectSettings } from '../../src/core/settings.ts'
import { migrateToLatest, type migrations } from '../../src/store/migrate.ts'
import { openPostgresStore } from '../../src/store/open-postgres.ts'
import { openSqliteStore } from '../../src/store/open-sqlite.ts'
import type { NewTask, Store, StoreEngine } from '../../src/store/store.ts'

export const engines: StoreEngine[] = ['sqlite', 'postgres']

/** A fresh, empty database on the engine; `connect` opens more stores on the same database. */
export interface TestDatabase extends AsyncDisposable {
  readonly engine: StoreEngine
  /** The SQLite file or the PostgreSQL URL. */
  readonly location: string
  connect(): Promise<Store>
  /** Runs one SQL statement on its own connection, outside any Store. */
  execute(statement: string): Promise<void>
  /** Makes the empty database what an older Cadre left: migrated up to that migration only. */
  migrateUpTo(upTo: keyof typeof migrations): Promise<void>
}

let counter = 0

const createPostgresDatabase = async (): Promise<string> => {
  const admin = new URL(inject('postgresUrl'))
  const name = `cadre_test_${process.pid}_${Date.now().toString(36)}_${counter++}`
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
  admin.pathname = `/${name}`
  return admin.toString()
}

export const createTestDatabase = async (engine: StoreEngine): Promise<TestDatabase> => {
  const opened: Store[] = []
  let cleanup = () => {}
  let location: string
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cadre-sqlite-'))
    location = join(dir, 'cadre.db')
    cleanup = () => rmSync(dir, { recursive: true, force: true })
  } else {
    location = await createPostgresDatabase()
  }
  const connect = async () => {
    const store = engine === 'sqlite' ? await openSqliteStore(location) : await openPostgresStore(location)
    opened.push(store)
    return store
  }
  const execute = async (statement: string) => {
    if (engine === 'sqlite') {
      const { default: BetterSqlite } = await import('better-sqlite3')
      const db = new BetterSqlite(location)
      try {
        db.exec(statement)
      } finally {
        db.close()
      }
      return
    }
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: location })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  }
  /** Makes the empty database what an older Cadre left: migrated up to `upTo` only. */
  const migrateUpTo = async (upTo: keyof typeof migrations) => {
    const dialect =
      engine === 'sqlite'
        ? new SqliteDialect({ database: new (await import('better-sqlite3')).default(location) })
        : new PostgresDialect({ pool: new (await import('pg')).default.Pool({ connectionString: location }) })
    const db = new Kysely<unknown>({ dialect })
    try {
      await migrateToLatest(db, location, { upTo })
    } finally {
      await db.destroy()
    }
  }
  return {
    engine,
    location,
    connect,
    execute,
    migrateUpTo,
    async [Symbol.asyncDispose]() {
      await Promise.all(opened.map((store) => store.close()))
      cleanup()
    },
  }
}

/** A task in a new project, written straight to the store: for tests that record into a task. */
export const addStoredTask = async (store: Store, task: Partial<NewTask> = {}): Promise<Task> => {
  const project = await store.projects.create({
    name: 'p',
    path: `/p/${randomBytes(6).toString('hex')}`,
    settings: ProjectSettings.parse({}),
  })
  return store.tasks.create({
    title: 't',
    prompt: 'p',
    status: 'running',
    agent: 'builtin',
    model: null,
    mode: 'auto',
    branch: 'cadre/t',
    baseBranch: null,
    ...task,
    projectId: project.id,
  })
}
