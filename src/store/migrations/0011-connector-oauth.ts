import type { Kysely } from 'kysely'

// An HTTP connector may sign in with OAuth: its registration, tokens and the authorization under
// way are kept sealed (null: it does not use OAuth).
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.alterTable('connectors').addColumn('sealed_oauth', 'text').execute()
}
