import { CadreError } from '../core/errors.ts'

// SQLite's result codes (extended ones start with these), Node's errno codes and PostgreSQL's
// SQLSTATEs for a store that cannot take a write, each with what the person running Cadre can do.
const failures = [
  {
    kind: 'disk_full',
    codes: /^(SQLITE_FULL|ENOSPC|EDQUOT|53100)$/,
    what: 'the disk is full',
    remedy: 'free some space',
  },
  {
    kind: 'read_only',
    codes: /^(SQLITE_READONLY\w*|EROFS|25006)$/,
    what: 'it is read-only',
    remedy: 'make the database file and its folder writable (on a read-only mount they cannot be)',
  },
  {
    kind: 'io_error',
    codes: /^(SQLITE_IOERR\w*|EIO)$/,
    what: 'the disk failed to read or write',
    remedy: "check the disk and the system's log",
  },
] as const

/** The error of the chain (the error, its cause, …) that carries a storage code, and which failure it is. */
const diagnose = (error: unknown) => {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    const failure =
      typeof code === 'string' ? failures.find((candidate) => candidate.codes.test(code)) : undefined
    if (failure) return { failure, said: String((current as Error).message ?? code) }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * The store failing to write for a reason outside Cadre (disk full, read-only, I/O error), as an
 * `unavailable` error saying so and what to do, in the database's own words too; undefined for
 * any other error. Nothing is half-written: each write is one transaction, rolled back when it fails.
 */
export const storageFailure = (error: unknown): CadreError | undefined => {
  const found = diagnose(error)
  if (!found) return undefined
  const { failure, said } = found
  return new CadreError(
    'unavailable',
    `the database cannot be written: ${failure.what} (${said}); ${failure.remedy}. Nothing stored is lost`,
    { cause: error, details: { storage: failure.kind } },
  )
}
