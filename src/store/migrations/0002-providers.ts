import type { Kysely } from 'kysely'

// Model providers configured in Cadre. The API key column holds only sealed (encrypted) values.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('providers')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text')
    .addColumn('sealed_api_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
}
