import type { ConnectorsTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { ConnectorRepo, StoredConnector } from '../store.ts'

const toConnector = (row: ConnectorsTable): StoredConnector => ({
  id: row.id,
  projectId: row.project_id,
  name: row.name,
  transport: row.transport as StoredConnector['transport'],
  command: row.command,
  args: JSON.parse(row.args) as string[],
  url: row.url,
  sealedEnv: row.sealed_env,
  sealedHeaders: row.sealed_headers,
  sealedOauth: row.sealed_oauth,
  enabled: Boolean(row.enabled),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export const createConnectorRepo = ({ db, atomically }: SessionContext): ConnectorRepo => ({
  async create(connector) {
    const at = now()
    const row = await atomically((tx) =>
      tx
        .insertInto('connectors')
        .values({
          id: connector.id,
          project_id: connector.projectId,
          name: connector.name,
          transport: connector.transport,
          command: connector.command,
          args: JSON.stringify(connector.args),
          url: connector.url,
          sealed_env: connector.sealedEnv,
          sealed_headers: connector.sealedHeaders,
          sealed_oauth: connector.sealedOauth,
          enabled: 1,
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    return toConnector(row)
  },

  async get(id) {
    const row = await db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toConnector(row)
  },

  async list(filter = {}) {
    let query = db.selectFrom('connectors').selectAll()
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId)
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toConnector)
  },

  async forProject(projectId) {
    const rows = await db
      .selectFrom('connectors')
      .selectAll()
      .where('enabled', '=', 1)
      .where((where) => where.or([where('project_id', 'is', null), where('project_id', '=', projectId)]))
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toConnector)
  },

  async update(id, change) {
    const row = await atomically((tx) =>
      tx
        .updateTable('connectors')
        .set({
          ...(change.name !== undefined && { name: change.name }),
          ...(change.transport !== undefined && { transport: change.transport }),
          ...(change.command !== undefined && { command: change.command }),
          ...(change.args !== undefined && { args: JSON.stringify(change.args) }),
          ...(change.url !== undefined && { url: change.url }),
          ...(change.sealedEnv !== undefined && { sealed_env: change.sealedEnv }),
          ...(change.sealedHeaders !== undefined && { sealed_headers: change.sealedHeaders }),
          ...(change.sealedOauth !== undefined && { sealed_oauth: change.sealedOauth }),
          ...(change.enabled !== undefined && { enabled: change.enabled ? 1 : 0 }),
          updated_at: now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toConnector(row)
  },

  async delete(id) {
    const result = await atomically((tx) =>
      tx.deleteFrom('connectors').where('id', '=', id).executeTakeFirst(),
    )
    return Number(result.numDeletedRows) > 0
  },
})
