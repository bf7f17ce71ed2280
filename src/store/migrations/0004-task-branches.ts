import { type Kysely, sql } from 'kysely'

// Each task works on its own git branch, named when the task is made, and may start from a base
// branch of its own (null: the project's). Tasks made before get a branch named after their id.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .alterTable('tasks')
    .addColumn('branch', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.alterTable('tasks').addColumn('base_branch', 'text').execute()
  await sql`update tasks set branch = 'cadre/' || id where branch = ''`.execute(db)
}
