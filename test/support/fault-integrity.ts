import BetterSqlite from 'better-sqlite3'

/**
 * SQLite's own check of a whole database file, opened read-only (so it runs beside a server, and on
 * a read-only mount): `ok`, or what is wrong. Run as a program (`node fault-integrity.ts <file>`)
 * it prints that, so it can run inside another mount namespace: SQLite resolves a path through
 * /proc/<pid>/root to this namespace's file, not the other's.
 */
export const integrityCheck = (file: string): string => {
  const database = new BetterSqlite(file, { readonly: true, fileMustExist: true })
  try {
    return String(database.pragma('integrity_check', { simple: true }))
  } finally {
    database.close()
  }
}

if (import.meta.main) console.log(integrityCheck(process.argv[2]!))
