import type { Kysely } from 'kysely'

// A task may say where its processes run, over its project's sandbox settings (JSON, null: the
// project's). Tasks made before say nothing.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.alterTable('tasks').addColumn('sandbox', 'text').execute()
}
