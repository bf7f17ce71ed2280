import type { Kysely } from 'kysely'

// A task may belong to a parent task: a comparison's children (one task per agent, same prompt) point
// at the comparison. Deleting the parent deletes its children. Tasks made before have no parent.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .alterTable('tasks')
    .addColumn('parent_id', 'text', (c) => c.references('tasks.id').onDelete('cascade'))
    .execute()
  await db.schema.createIndex('tasks_parent').on('tasks').column('parent_id').execute()
}
