import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase, engines, type TestDatabase } from '../../test/support/test-stores.ts'
import { ProjectSettings } from '../core/settings.ts'
import { createMemoryEventBus } from '../events/memory-event-bus.ts'
import type { Store } from '../store/store.ts'
import { createComparison } from './create-comparison.ts'
import { transitionTask } from './transition-task.ts'

for (const engine of engines) {
  describe(`a comparison following its children on ${engine}`, () => {
    let database: TestDatabase
    let stores: Store[]
    beforeEach(async () => {
      database = await createTestDatabase(engine)
      stores = [await database.connect(), await database.connect(), await database.connect()]
    })
    afterEach(async () => {
      await database[Symbol.asyncDispose]()
    })

    it('is never left behind when its children settle at the same moment on separate connections', async () => {
      const bus = createMemoryEventBus()
      const [first] = stores as [Store]
      const project = await first.projects.create({
        name: 'p',
        path: '/p',
        settings: ProjectSettings.parse({}),
      })
      for (let round = 0; round < 5; round++) {
        const comparison = await createComparison(
          { store: first, bus },
          { projectId: project.id, prompt: 'p', agents: ['builtin', 'codex', 'gemini'] },
        )
        const ids = comparison.children.map((child) => child.id)
        for (const id of ids) await transitionTask({ store: first, bus }, id, 'start_run')
        // Each child ends on its own connection, all at once: the last to commit must see the others.
        await Promise.all(
          ids.map((id, index) =>
            transitionTask(
              { store: stores[index]!, bus },
              id,
              index === 0 ? 'finish_with_changes' : 'finish',
            ),
          ),
        )
        expect((await first.tasks.get(comparison.id))?.status).toBe('review')
        const log = await first.events.list(comparison.id, { after: 0, limit: 100 })
        expect(log.filter((event) => event.type === 'compare.child_changed')).toHaveLength(6)
        expect(log.map((event) => event.seq)).toEqual(log.map((_, index) => index + 1))
      }
    })
  })
}
