import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
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
import { runMarker } from './kill-leftover-processes.ts'
import { startScheduler } from './start-scheduler.ts'

const waitUntil = async <T>(check: () => Promise<T | undefined>, what: string): Promise<T> => {
  const deadline = Date.now() + 10_000
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const tmpHome = mkdtempSync(join(tmpdir(), 'cadre-scheduler-'))

describe('scheduler', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>
  let database: TestDatabase
  let store: Store
  beforeAll(async () => {
    sim = await startSimulator({
      scenarios: [
        {
          name: 'resume',
          rules: [
            {
              when: { lastToolResult: { contains: 'interrupted' } },
              reply: [{ text: 'Picked up where it stopped.' }],
            },
            { reply: [{ text: 'Done.' }] },
          ],
        },
      ],
    })
    database = await createTestDatabase('sqlite')
    store = await database.connect()
  })
  afterAll(async () => {
    await sim.close()
    await database[Symbol.asyncDispose]()
  })

  it('takes over a run whose server died mid-tool, ends what it left running, and resumes with the tool reported as interrupted', async () => {
    const bus = createMemoryEventBus()
    const { providers, models } = createModelLayer({
      store,
      box: createSecretBox(randomBytes(32)),
      redactor: createRedactor(),
      env: {},
    })
    await providers.change('anthropic', { baseUrl: sim.url, apiKey: 'sk-sim-0000000000' })
    const project = await store.projects.create({
      name: 'p',
      path: createGitRepo(),
      settings: ProjectSettings.parse({}),
    })
    const task = await createTask(
      { store, bus },
      { projectId: project.id, prompt: 'go', model: 'anthropic:claude-haiku-4-5', start: false },
    )
    // What a server killed in the middle of a tool call leaves behind.
    const [thread] = await store.threads.list(task.id)
    await store.tasks.setStatus(task.id, 'backlog', 'running', null)
    const run = await store.runs.create({ taskId: task.id, threadId: thread!.id, agent: 'builtin' })
    await store.runs.update(run.id, {
      status: 'running',
      workerId: 'wkr_dead',
      leaseExpiresAt: new Date(Date.now() + 300).toISOString(),
    })
    // Its command, still running (marked as the run's), and an unrelated process in a recorded group.
    const leftover = spawn('sleep', ['60'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [runMarker]: run.id },
    })
    const unrelated = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' })
    const processEvent = (processGroup: number) => ({
      type: 'tool.process' as const,
      data: { threadId: thread!.id, callId: 'c1', processGroup, host: hostname() },
    })
    await store.events.append(task.id, [
      {
        type: 'message.assistant',
        data: {
          threadId: thread!.id,
          text: '',
          toolCalls: [{ callId: 'c1', tool: 'bash', input: { command: 'make' } }],
        },
      },
      { type: 'tool.started', data: { threadId: thread!.id, callId: 'c1', tool: 'bash' } },
      processEvent(leftover.pid!),
      processEvent(unrelated.pid!),
    ])

    const scheduler = startScheduler(
      {
        store,
        bus,
        models,
        sandboxes: createWorktreeSandboxes({ home: tmpHome, root: join(tmpHome, 'worktrees') }),
        log: pino({ level: 'silent' }),
      },
      { workerId: 'wkr_test', concurrency: 2, pollMs: 50, leaseMs: 1000 },
    )
    try {
      const done = await waitUntil(async () => {
        const current = await store.tasks.get(task.id)
        return current?.status === 'done' ? current : undefined
      }, 'the resumed task to finish')
      expect(done.status).toBe('done')
      const runs = await store.runs.list(task.id)
      expect(runs).toEqual([
        expect.objectContaining({ id: run.id, status: 'succeeded', workerId: scheduler.workerId }),
      ])
      const events = await store.events.list(task.id, { after: 0, limit: 100 })
      expect(events.find((e) => e.type === 'message.assistant' && e.data.text)).toMatchObject({
        data: { text: 'Picked up where it stopped.' },
      })
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1))
      // No bubblewrap given here: the task's log says its processes were not isolated, and why.
      expect(events.find((e) => e.type === 'workspace.ready')).toMatchObject({
        data: {
          isolation: 'none',
          warning: expect.stringMatching(/^processes run without isolation: bubblewrap/),
        },
      })
      expect(leftover.exitCode ?? leftover.signalCode).toBe('SIGKILL')
      expect(unrelated.exitCode ?? unrelated.signalCode).toBeNull()
    } finally {
      await scheduler.stop()
      leftover.kill('SIGKILL')
      unrelated.kill('SIGKILL')
    }
  })
})
