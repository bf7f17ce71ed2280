import type { Kysely } from 'kysely'

// MCP servers given to agents (per project, or global when project_id is null). Their environment
// and headers may hold secrets: both are stored sealed.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('connectors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('command', 'text')
    .addColumn('args', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('sealed_env', 'text')
    .addColumn('sealed_headers', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
}
