import { afterEach, beforeEach, describe } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import { ProjectSettings } from '../core/settings.ts'
import type { Store, StoreEngine } from './store.ts'
import type { StoreContext } from './store-contract-context.ts'
import { describeEventsContract } from './store-events.contract.ts'
import { describeIntegrationsContract } from './store-integrations.contract.ts'
import { describeProjectsContract } from './store-projects.contract.ts'
import { describeRunsContract } from './store-runs.contract.ts'

/** The behaviour every Store engine must show; run once per engine. */
export const describeStoreContract = (engine: StoreEngine) =>
  describe(`Store contract on ${engine}`, () => {
    let database: TestDatabase
    let store: Store

    beforeEach(async () => {
      database = await createTestDatabase(engine)
      store = await database.connect()
    })
    afterEach(async () => {
      await database[Symbol.asyncDispose]()
    })

    const context: StoreContext = {
      get store() {
        return store
      },
      get database() {
        return database
      },
      newProject: (path = '/repo/a') =>
        store.projects.create({ name: 'a', path, settings: ProjectSettings.parse({}) }),
      newTask: (projectId, status = 'queued') =>
        store.tasks.create({
          projectId,
          title: 't',
          prompt: 'p',
          status,
          agent: 'builtin',
          model: null,
          mode: 'auto',
          branch: 'cadre/t',
          baseBranch: null,
        }),
    }
    describeProjectsContract(context)
    describeEventsContract(context)
    describeRunsContract(context)
    describeIntegrationsContract(context)
  })
