import type { Kysely } from 'kysely'
import { type Migration, Migrator } from 'kysely/migration'
import { CadreError } from '../core/errors.ts'
import * as initial from './migrations/0001-initial.ts'
import * as providers from './migrations/0002-providers.ts'
import * as defaultMode from './migrations/0003-default-mode.ts'
import * as taskBranches from './migrations/0004-task-branches.ts'
import * as taskParents from './migrations/0005-task-parents.ts'
import * as taskSandbox from './migrations/0006-task-sandbox.ts'
import * as webhooks from './migrations/0007-webhooks.ts'
import * as features from './migrations/0008-features.ts'
import * as connectors from './migrations/0009-connectors.ts'
import * as builds from './migrations/0010-builds.ts'
import * as connectorOauth from './migrations/0011-connector-oauth.ts'

/** Every migration in order; the schema version is the number of the last one. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-providers': providers,
  '0003-default-mode': defaultMode,
  '0004-task-branches': taskBranches,
  '0005-task-parents': taskParents,
  '0006-task-sandbox': taskSandbox,
  '0007-webhooks': webhooks,
  '0008-features': features,
  '0009-connectors': connectors,
  '0010-builds': builds,
  '0011-connector-oauth': connectorOauth,
}

const schemaVersion = Object.keys(migrations).length

const migrationTable = 'cadre_migration'

/**
 * Brings the database up to this Cadre's schema (or, for tests of migrations, up to `upTo` only).
 * Refuses, without touching anything, a database that a newer Cadre has migrated past what this
 * one knows.
 */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  where: string,
  { upTo }: { upTo?: keyof typeof migrations } = {},
): Promise<void> => {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: migrationTable,
    migrationLockTableName: `${migrationTable}_lock`,
  })
  const applied = await appliedMigrations(db)
  const unknown = applied.filter((name) => !(name in migrations))
  if (unknown.length > 0) {
    throw new CadreError(
      'unavailable',
      `the database at ${where} was migrated by a newer Cadre: it has migrations this one does not know ` +
        `(${unknown.join(', ')}; this Cadre knows schema version ${schemaVersion}). Upgrade Cadre, or point ` +
        'CADRE_HOME or DATABASE_URL at another database.',
    )
  }
  const { error } = upTo ? await migrator.migrateTo(upTo) : await migrator.migrateToLatest()
  if (error) {
    throw new CadreError('unavailable', `could not migrate the database at ${where}: ${String(error)}`, {
      cause: error,
    })
  }
}

const appliedMigrations = async (db: Kysely<unknown>): Promise<string[]> => {
  const tables = await db.introspection.getTables()
  if (!tables.some((table) => table.name === migrationTable)) return []
  const rows = await (db as Kysely<Record<string, { name: string }>>)
    .selectFrom(migrationTable)
    .select('name')
    .orderBy('name')
    .execute()
  return rows.map((row) => row.name)
}
