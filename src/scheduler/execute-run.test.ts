import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test/support/git-repo.ts'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import { ProjectSettings } from '../core/settings.ts'
import { createMemoryEventBus } from '../events/memory-event-bus.ts'
import { createModelLayer } from '../models/create-model-layer.ts'
import { createWorktreeSandboxes } from '../sandbox/worktree-sandboxes.ts'
import { createRedactor } from '../secrets/redactor.ts'
import { createSecretBox } from '../secrets/secret-box.ts'
import { startSimulator } from '../sim/start-simulator.ts'
import type { Store } from '../store/store.ts'
import { createTask } from '../tasks/create-task.ts'
import { startScheduler } from './start-scheduler.ts'

const waitUntil = async <T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> => {
  const deadline = Date.now() + 15_000
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * The store, refusing every write as a full disk does while `full.on` is set; with
 * `transactionsOnly`, only transactions, as a crash between two writes would leave them.
 */
const fillable = (store: Store, { transactionsOnly = false } = {}) => {
  const full = { on: false }
  const refuse = () =>
    Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))
  const writes = new Set(['update', 'heartbeat', 'takeOver', 'create', 'addUsage'])
  const runs = new Proxy(store.runs, {
    get: (target, key) => {
      const value = Reflect.get(target, key)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) =>
        full.on && !transactionsOnly && writes.has(String(key)) ? refuse() : value.apply(target, args)
    },
  })
  const wrapped = new Proxy(store, {
    get: (target, key) => {
      if (key === 'runs') return runs
      if (key === 'transaction')
        return (work: Parameters<Store['transaction']>[0]) => (full.on ? refuse() : target.transaction(work))
      const value = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { store: wrapped, full }
}

describe('a run whose database stops taking writes', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>
  let database: TestDatabase
  beforeAll(async () => {
    sim = await startSimulator({ scenarios: [{ name: 'done', rules: [{ reply: [{ text: 'Done.' }] }] }] })
    database = await createTestDatabase('sqlite')
  })
  afterAll(async () => {
    await sim.close()
    await database[Symbol.asyncDispose]()
  })

  /** A scheduler on `store`, with the simulator as the model; its log lines are collected. */
  const schedule = async (store: Store, real: Store) => {
    const bus = createMemoryEventBus()
    const { providers, models } = createModelLayer({
      store: real,
      box: createSecretBox(randomBytes(32)),
      redactor: createRedactor(),
      env: {},
    })
    await providers.change('anthropic', { baseUrl: sim.url, apiKey: 'sk-sim-0000000000' })
    const project = await real.projects.create({
      name: 'p',
      path: createGitRepo(),
      settings: ProjectSettings.parse({}),
    })
    const lines: string[] = []
    const home = mkdtempSync(join(tmpdir(), 'cadre-full-run-'))
    const scheduler = startScheduler(
      {
        store,
        bus,
        models,
        sandboxes: createWorktreeSandboxes({ home, root: join(home, 'worktrees') }),
        log: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
      },
      { workerId: 'wkr_test', concurrency: 1, pollMs: 50, leaseMs: 600 },
    )
    const start = () =>
      createTask(
        { store: real, bus },
        { projectId: project.id, prompt: 'go', model: 'anthropic:claude-haiku-4-5' },
      )
    const finished = (taskId: string) =>
      waitUntil(async () => {
        const current = await real.tasks.get(taskId)
        return current?.status === 'done' ? current : undefined
      }, 'the resumed task to finish')
    return { bus, project, lines, scheduler, start, finished }
  }

  it('is not failed (its failure could not be recorded anyway) but resumed once the disk has room', async () => {
    const real = await database.connect()
    const { store, full } = fillable(real)
    const { bus, project, lines, scheduler, start, finished } = await schedule(store, real)
    // The disk fills up the moment the run has been claimed.
    bus.subscribe({ projectId: project.id }, (event) => {
      if (event.type === 'task.status_changed' && event.data.to === 'running') full.on = true
    })
    try {
      const task = await start()
      const stopped = await waitUntil(
        () => lines.map((line) => JSON.parse(line)).find((line) => line.msg.startsWith('the run stopped')),
        'the run to stop',
      )
      expect(stopped).toMatchObject({
        level: 50,
        taskId: task.id,
        msg: expect.stringContaining('the database cannot be written: the disk is full'),
      })
      // Nothing says it failed: it is still running, as far as anyone can tell, and waits.
      expect(await real.tasks.get(task.id)).toMatchObject({ status: 'running', statusReason: null })
      expect(await real.runs.list(task.id)).toEqual([expect.objectContaining({ status: 'running' })])
      expect(lines.join('')).not.toMatch(/"msg":"run failed"/)

      full.on = false
      const done = await finished(task.id)
      expect(done.statusReason).toBeNull()
      expect(await real.runs.list(task.id)).toEqual([expect.objectContaining({ status: 'succeeded' })])
      const events = await real.events.list(task.id, { after: 0, limit: 100 })
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1))
    } finally {
      full.on = false
      await scheduler.stop()
    }
  })

  // Regression: the run was marked succeeded, then its task settled in a second transaction; a
  // crash between the two left a task running that no run would ever finish (the crash test hit it).
  it('settles a run and its task together: when that cannot be written, the run is resumed, not left succeeded', async () => {
    const real = await database.connect()
    const { store, full } = fillable(real, { transactionsOnly: true })
    const { bus, project, scheduler, start, finished } = await schedule(store, real)
    // The last step is recorded; then nothing more can be committed until the "restart".
    let crashed = false
    bus.subscribe({ projectId: project.id }, (event) => {
      if (event.type === 'step.finished' && !crashed) crashed = full.on = true
    })
    try {
      const task = await start()
      await waitUntil(() => (full.on ? true : undefined), 'the last step')
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect((await real.runs.list(task.id)).map((run) => run.status)).toEqual(['running'])
      full.on = false
      expect((await finished(task.id)).status).toBe('done')
      expect((await real.runs.list(task.id)).map((run) => run.status)).toEqual(['succeeded'])
    } finally {
      full.on = false
      await scheduler.stop()
    }
  })
})
