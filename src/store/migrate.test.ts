import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase, engines, type TestDatabase } from '../../test/support/test-stores.ts'
import { CadreError } from '../core/errors.ts'
import { ProjectSettings } from '../core/settings.ts'
import type { Store } from './store.ts'

/** Migrations on both engines: applied once, refused from a newer Cadre, and each one's data change. */
for (const engine of engines) {
  describe(`migrations on ${engine}`, () => {
    let database: TestDatabase
    let store: Store
    beforeEach(async () => {
      database = await createTestDatabase(engine)
      store = await database.connect()
    })
    afterEach(async () => {
      await database[Symbol.asyncDispose]()
    })

    const newProject = () =>
      store.projects.create({ name: 'a', path: '/repo/a', settings: ProjectSettings.parse({}) })

    it('migrates once and opens an already migrated database again', async () => {
      await newProject()
      const again = await database.connect()
      expect((await again.projects.list()).map((p) => p.path)).toEqual(['/repo/a'])
    })

    it('refuses a database migrated by a newer Cadre, leaving it untouched', async () => {
      await newProject()
      // A migration this version does not know, as a newer Cadre would have left it.
      await database.execute(
        "insert into cadre_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00Z')",
      )
      const failure = await database.connect().catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(CadreError)
      expect((failure as CadreError).message).toMatch(
        /was migrated by a newer Cadre: it has migrations this one does not know \(9999-from-the-future; this Cadre knows schema version 11\)/,
      )
      expect(await store.projects.list()).toHaveLength(1)
    })

    it('renames the mode "ask" to "default" in what an older Cadre stored', async () => {
      // A database as Cadre left it before the rename (schema 0002), with a project, a task and its event.
      await using older = await createTestDatabase(engine)
      await older.migrateUpTo('0002-providers')
      const at = '2026-01-01T00:00:00.000Z'
      const settings = JSON.stringify({ ...ProjectSettings.parse({}), defaultMode: 'auto' }).replace(
        '"defaultMode":"auto"',
        '"defaultMode":"ask"',
      )
      const created = {
        title: 't',
        prompt: 'keep "mode":"ask" in this prompt',
        agent: 'builtin',
        model: null,
        mode: 'ask',
        status: 'queued',
      }
      const quote = (text: string) => `'${text.replaceAll("'", "''")}'`
      await older.execute(
        `insert into projects (id, name, path, settings, created_at, updated_at) values ('prj_old', 'p', '/old', ${quote(settings)}, '${at}', '${at}')`,
      )
      await older.execute(
        `insert into tasks (id, project_id, title, prompt, status, status_reason, agent, model, mode, last_seq, created_at, updated_at) values ('tsk_old', 'prj_old', 't', 'p', 'queued', null, 'builtin', null, 'ask', 1, '${at}', '${at}')`,
      )
      await older.execute(
        `insert into events (task_id, seq, type, data, at) values ('tsk_old', 1, 'task.created', ${quote(JSON.stringify(created))}, '${at}')`,
      )
      const migrated = await older.connect()
      expect(await migrated.tasks.get('tsk_old')).toMatchObject({
        mode: 'default',
        branch: 'cadre/tsk_old',
        baseBranch: null,
        parentId: null,
      })
      expect((await migrated.projects.get('prj_old'))?.settings.defaultMode).toBe('default')
      expect(await migrated.events.list('tsk_old', { after: 0, limit: 1 })).toMatchObject([
        { data: { ...created, mode: 'default' } },
      ])
    })
  })
}
