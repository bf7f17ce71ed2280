import type { SqliteDatabase, SqliteStatement } from 'kysely'

/**
 * A SQLite database whose prepared statements are kept and reused, most recently used first.
 * Kysely prepares every query anew, and parsing SQL costs more than running these small
 * statements; one connection runs one query at a time, so sharing a statement is safe.
 */
export const withCachedStatements = (database: SqliteDatabase, capacity = 256): SqliteDatabase => {
  const cache = new Map<string, SqliteStatement>()
  return {
    close: () => {
      cache.clear()
      database.close()
    },
    prepare(sql) {
      let statement = cache.get(sql)
      if (statement) cache.delete(sql)
      else statement = database.prepare(sql)
      cache.set(sql, statement)
      if (cache.size > capacity) cache.delete(cache.keys().next().value!)
      return statement
    },
  }
}
