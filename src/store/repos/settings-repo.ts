import { GlobalSettings } from '../../core/settings.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { SettingsRepo } from '../store.ts'

// Global settings are one JSON document under one key: read and written whole, validated by zod.
const globalKey = 'global'

export const createSettingsRepo = ({ db, atomically }: SessionContext): SettingsRepo => ({
  async get() {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', globalKey)
      .executeTakeFirst()
    return GlobalSettings.parse(row ? JSON.parse(row.value) : {})
  },

  async put(settings) {
    const value = JSON.stringify(GlobalSettings.parse(settings))
    const updatedAt = now()
    await atomically((tx) =>
      tx
        .insertInto('settings')
        .values({ key: globalKey, value, updated_at: updatedAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: updatedAt }))
        .execute(),
    )
    return GlobalSettings.parse(JSON.parse(value))
  },
})
