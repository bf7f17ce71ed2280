import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import type { CadreEvent } from '../core/events/registry.ts'
import { ProjectSettings } from '../core/settings.ts'
import type { Store } from '../store/store.ts'
import { createTask } from '../tasks/create-task.ts'
import type { EventBus } from './event-bus.ts'
import { openEventFeed } from './event-feed.ts'
import { createMemoryEventBus } from './memory-event-bus.ts'

describe('the event feed', () => {
  let database: TestDatabase
  let store: Store
  let bus: EventBus
  let projectId: string
  beforeEach(async () => {
    database = await createTestDatabase('sqlite')
    store = await database.connect()
    bus = createMemoryEventBus()
    projectId = (await store.projects.create({ name: 'p', path: '/p', settings: ProjectSettings.parse({}) }))
      .id
  })
  afterEach(async () => {
    await database[Symbol.asyncDispose]()
  })

  const collect = async (
    topic: { projectId: string } | { taskId: string },
    cursors = new Map<string, number>(),
  ) => {
    const received: CadreEvent[] = []
    const feed = await openEventFeed({
      store,
      bus,
      topic,
      cursors,
      deliver: (e) => void received.push(e),
      onError: () => {},
    })
    return { received, feed }
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

  it('leaves a project subscriber no gap for tasks created while it subscribes', async () => {
    // Tasks are created (and their events published) around the feed's own reads of the store.
    const lastSeqs = store.tasks.lastSeqs
    let reads = 0
    store.tasks.lastSeqs = async (id) => {
      reads++
      await createTask({ store, bus }, { projectId, prompt: `before read ${reads}` })
      const seqs = await lastSeqs(id)
      await createTask({ store, bus }, { projectId, prompt: `after read ${reads}` })
      return seqs
    }
    const { received, feed } = await collect({ projectId })
    store.tasks.lastSeqs = lastSeqs
    await createTask({ store, bus }, { projectId, prompt: 'after opening' })
    await settle()
    const tasks = await store.tasks.list({ projectId })
    expect(tasks).toHaveLength(5)
    for (const task of tasks) {
      // What the subscriber holds: history up to its start cursor, then exactly what was delivered.
      const start = feed.startCursors.get(task.id) ?? 0
      const delivered = received.filter((e) => e.taskId === task.id).map((e) => ('seq' in e ? e.seq : -1))
      expect([start, ...delivered]).toEqual(
        Array.from({ length: task.lastSeq - start + 1 }, (_, i) => start + i),
      )
    }
    expect(feed.startCursors.size).toBe(1)
    feed.close()
  })

  it('refuses a cursor past the end of the log instead of going silent', async () => {
    const task = await createTask({ store, bus }, { projectId, prompt: 'x' })
    await expect(collect({ taskId: task.id }, new Map([[task.id, 9]]))).rejects.toMatchObject({
      code: 'conflict',
      message: `seq 9 is past the last event of task ${task.id} (3); resume from 3 or lower`,
    })
    await expect(collect({ projectId }, new Map([[task.id, 4]]))).rejects.toMatchObject({ code: 'conflict' })
  })

  it('ignores cursors for tasks outside the project', async () => {
    const otherProject = await store.projects.create({
      name: 'o',
      path: '/o',
      settings: ProjectSettings.parse({}),
    })
    const foreign = await createTask({ store, bus }, { projectId: otherProject.id, prompt: 'x' })
    const { received, feed } = await collect({ projectId }, new Map([[foreign.id, 0]]))
    await settle()
    expect(received).toEqual([])
    feed.close()
  })

  it('stops delivering once closed', async () => {
    const task = await createTask({ store, bus }, { projectId, prompt: 'x' })
    const { received, feed } = await collect({ taskId: task.id })
    await settle()
    feed.close()
    await createTask({ store, bus }, { projectId, prompt: 'y' })
    await store.events.append(task.id, [{ type: 'message.user', data: { threadId: 't', text: 'late' } }])
    await settle()
    expect(received.map((e) => e.type)).toEqual(['task.created', 'thread.created', 'message.user'])
  })
})
