import type { Kysely } from 'kysely'

// Autonomous builds, and which build a task works for (null: a task of its own). A build is driven
// by one server at a time: the one holding its lease (driver, until when).
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('builds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('paused_by', 'text')
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('from_branch', 'text', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('regression_every', 'integer', (c) => c.notNull())
    .addColumn('initializer_task_id', 'text')
    .addColumn('merges_since_regression', 'integer', (c) => c.notNull())
    .addColumn('driver', 'text')
    .addColumn('driver_lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('builds_by_project').on('builds').columns(['project_id', 'status']).execute()
  await db.schema.alterTable('tasks').addColumn('build_id', 'text').execute()
}
