import type { ProvidersTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { ProviderRepo, StoredProvider } from '../store.ts'

const toProvider = (row: ProvidersTable): StoredProvider => ({
  name: row.name,
  kind: row.kind,
  baseUrl: row.base_url,
  sealedApiKey: row.sealed_api_key,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export const createProviderRepo = ({ db, atomically }: SessionContext): ProviderRepo => ({
  async get(name) {
    const row = await db.selectFrom('providers').selectAll().where('name', '=', name).executeTakeFirst()
    return row && toProvider(row)
  },

  async list() {
    return (await db.selectFrom('providers').selectAll().orderBy('name').execute()).map(toProvider)
  },

  async put(provider) {
    const at = now()
    const change = { kind: provider.kind, base_url: provider.baseUrl, sealed_api_key: provider.sealedApiKey }
    const row = await atomically((tx) =>
      tx
        .insertInto('providers')
        .values({ name: provider.name, ...change, created_at: at, updated_at: at })
        .onConflict((oc) => oc.column('name').doUpdateSet({ ...change, updated_at: at }))
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    return toProvider(row)
  },

  async delete(name) {
    const result = await atomically((tx) =>
      tx.deleteFrom('providers').where('name', '=', name).executeTakeFirst(),
    )
    return Number(result.numDeletedRows) > 0
  },
})
