import { CadreError } from '../core/errors.ts'

/**
 * Marks an error of the store's PostgreSQL pool as a connection it could not make (refused, timed
 * out, the server starting or stopping), so it is told apart from any other refused connection.
 */
export const unreachableDatabase = (error: unknown): unknown =>
  error instanceof Error ? Object.assign(error, { databaseUnreachable: true }) : error

// SQLite's result codes (extended ones start with these), Node's errno codes and PostgreSQL's
// SQLSTATEs for a store that cannot take a write or cannot be reached, each with what the person
// running Cadre can do.
const failures = [
  {
    kind: 'disk_full',
    codes: /^(SQLITE_FULL|ENOSPC|EDQUOT|53100)$/,
    what: 'cannot be written: the disk is full',
    remedy: 'free some space',
  },
  {
    kind: 'read_only',
    codes: /^(SQLITE_READONLY\w*|EROFS|25006)$/,
    what: 'cannot be written: it is read-only',
    remedy: 'make the database file and its folder writable (on a read-only mount they cannot be)',
  },
  {
    kind: 'io_error',
    codes: /^(SQLITE_IOERR\w*|EIO)$/,
    what: 'cannot be written: the disk failed to read or write',
    remedy: "check the disk and the system's log",
  },
  {
    // PostgreSQL shut down, restarting or not answering: a connection the store's pool could not
    // make, the server's shutdown and connection SQLSTATEs, or the connection cut mid-query.
    kind: 'unreachable',
    codes: /^(57P0[123]|0800[0134]|08006)$/,
    what: 'cannot be reached',
    remedy: "check that PostgreSQL is running, reachable and accepts Cadre's credentials",
  },
] as const

/** What pg says, with no code, when the server goes away during a query, or went away before it. */
const connectionCut = /^(Connection terminated|Client has encountered a connection error)/

/** The error of the chain (the error, its cause, …) that carries a storage code, and which failure it is. */
const diagnose = (error: unknown) => {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message, databaseUnreachable } = current as {
      code?: unknown
      message?: unknown
      databaseUnreachable?: boolean
    }
    const unreachable =
      databaseUnreachable === true || (typeof message === 'string' && connectionCut.test(message))
    const failure = unreachable
      ? failures.find((candidate) => candidate.kind === 'unreachable')
      : typeof code === 'string'
        ? failures.find((candidate) => candidate.codes.test(code))
        : undefined
    if (failure) return { failure, said: String((current as Error).message ?? code) }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * The store failing for a reason outside Cadre (disk full, read-only, I/O error, PostgreSQL down), as an
 * `unavailable` error saying so and what to do, in the database's own words too; undefined for
 * any other error. Nothing is half-written: each write is one transaction, rolled back when it fails.
 */
export const storageFailure = (error: unknown): CadreError | undefined => {
  const found = diagnose(error)
  if (!found) return undefined
  const { failure, said } = found
  return new CadreError(
    'unavailable',
    `the database ${failure.what} (${said}); ${failure.remedy}. Nothing stored is lost`,
    { cause: error, details: { storage: failure.kind } },
  )
}
