import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import { ProjectSettings } from '../core/settings.ts'
import { createMemoryEventBus } from '../events/memory-event-bus.ts'
import type { Store } from '../store/store.ts'
import { createComparison } from '../tasks/create-comparison.ts'
import { createTask } from '../tasks/create-task.ts'
import { claimQueuedTask, waitingForAgentReason } from './claim-queued-task.ts'

describe('claiming queued tasks', () => {
  let database: TestDatabase
  let store: Store
  beforeEach(async () => {
    database = await createTestDatabase('sqlite')
    store = await database.connect()
  })
  afterEach(async () => {
    await database[Symbol.asyncDispose]()
  })

  it("takes a comparison's tasks, never the comparison itself", async () => {
    const deps = { store, bus: createMemoryEventBus() }
    const project = await store.projects.create({
      name: 'p',
      path: '/p',
      settings: ProjectSettings.parse({}),
    })
    const comparison = await createComparison(deps, {
      projectId: project.id,
      prompt: 'p',
      agents: ['builtin', 'codex'],
    })
    const claim = (agents: string[]) =>
      claimQueuedTask(deps, {
        workerId: 'w',
        agents,
        leaseExpiresAt: () => new Date(Date.now() + 1000).toISOString(),
      })
    const [builtin, codex] = comparison.children
    expect((await claim(['builtin', 'codex', 'compare']))?.task.id).toBe(builtin!.id)
    expect((await claim(['builtin', 'codex', 'compare']))?.task.id).toBe(codex!.id)
    expect(await claim(['builtin', 'codex', 'compare'])).toBeUndefined()
    expect(await store.runs.list(comparison.id)).toEqual([])
    expect((await store.tasks.get(comparison.id))?.status).toBe('running')
  })

  it('leaves a task whose agent is not installed here queued, saying why, until a server with it takes it', async () => {
    const deps = { store, bus: createMemoryEventBus() }
    const project = await store.projects.create({
      name: 'p',
      path: '/p',
      settings: ProjectSettings.parse({}),
    })
    const task = await createTask(deps, { projectId: project.id, prompt: 'p', agent: 'codex' })
    const claim = (agents: string[]) =>
      claimQueuedTask(deps, {
        workerId: 'w',
        agents,
        leaseExpiresAt: () => new Date(Date.now() + 1000).toISOString(),
      })
    expect(await claim(['builtin'])).toBeUndefined()
    const waiting = await store.tasks.get(task.id)
    expect(waiting).toMatchObject({ status: 'queued', statusReason: waitingForAgentReason('codex') })
    expect(waitingForAgentReason('codex')).toBe(
      'waiting for a server with the codex agent: it is not installed on this one (cadre agents install codex, then restart Cadre), or choose another agent',
    )
    // Said once, not rewritten at every look at the queue.
    expect(await claim(['builtin'])).toBeUndefined()
    expect((await store.tasks.get(task.id))?.updatedAt).toBe(waiting?.updatedAt)
    expect((await claim(['builtin', 'codex']))?.task).toMatchObject({
      id: task.id,
      status: 'running',
      statusReason: null,
    })
  })

  it('is never kept from a task it can run by many waiting for agents it lacks (regression: it looked at the first 50 only)', async () => {
    const deps = { store, bus: createMemoryEventBus() }
    const project = await store.projects.create({
      name: 'p',
      path: '/p',
      settings: ProjectSettings.parse({}),
    })
    const waiting = []
    for (let i = 0; i < 60; i++)
      waiting.push(await createTask(deps, { projectId: project.id, prompt: `p${i}`, agent: 'codex' }))
    const runnable = await createTask(deps, { projectId: project.id, prompt: 'mine', agent: 'builtin' })
    const claim = () =>
      claimQueuedTask(deps, {
        workerId: 'w',
        agents: ['builtin'],
        leaseExpiresAt: () => new Date(Date.now() + 1000).toISOString(),
      })
    expect((await claim())?.task.id).toBe(runnable.id)
    // Fifty a look, those told first going to the back: every one is told in the end.
    expect(await claim()).toBeUndefined()
    const reasons = await Promise.all(
      waiting.map(async (task) => (await store.tasks.get(task.id))?.statusReason),
    )
    expect(new Set(reasons)).toEqual(new Set([waitingForAgentReason('codex')]))
  })
})
