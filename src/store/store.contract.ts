import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import { CadreError } from '../core/errors.ts'
import type { EventInput } from '../core/events/registry.ts'
import { ProjectSettings } from '../core/settings.ts'
import type { Store, StoreEngine } from './store.ts'

const message = (text: string): EventInput => ({ type: 'message.user', data: { threadId: 'thr_x', text } })

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

    const newProject = (path = '/repo/a') =>
      store.projects.create({ name: 'a', path, settings: ProjectSettings.parse({}) })
    const newTask = async (projectId: string, status: 'queued' | 'backlog' = 'queued') =>
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
      })

    it('creates, reads, lists, updates and deletes projects', async () => {
      const a = await newProject('/repo/a')
      const b = await newProject('/repo/b')
      expect(await store.projects.get(a.id)).toEqual(a)
      expect(await store.projects.getByPath('/repo/b')).toEqual(b)
      expect(await store.projects.get('prj_missing')).toBeUndefined()
      expect((await store.projects.list()).map((p) => p.id)).toEqual([a.id, b.id])
      const settings = ProjectSettings.parse({ checkCommand: 'npm test', sandbox: { network: 'off' } })
      const updated = await store.projects.update(a.id, { name: 'renamed', settings })
      expect(updated).toMatchObject({
        name: 'renamed',
        settings: { checkCommand: 'npm test', sandbox: { network: 'off' } },
      })
      expect(await store.projects.get(a.id)).toEqual(updated)
      expect(await store.projects.update('prj_missing', { name: 'x' })).toBeUndefined()
      expect(await store.projects.delete(b.id)).toBe(true)
      expect(await store.projects.delete(b.id)).toBe(false)
      expect((await store.projects.list()).map((p) => p.id)).toEqual([a.id])
    })

    it('refuses a second project on the same path with a conflict', async () => {
      await newProject('/repo/a')
      const failure = await newProject('/repo/a').catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(CadreError)
      expect((failure as CadreError).code).toBe('conflict')
    })

    it('deleting a project deletes its tasks, threads, runs and events', async () => {
      const project = await newProject()
      const task = await newTask(project.id)
      const thread = await store.threads.create({ taskId: task.id, title: 'Main' })
      await store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
      await store.events.append(task.id, [message('hi')])
      await store.projects.delete(project.id)
      expect(await store.tasks.get(task.id)).toBeUndefined()
      expect(await store.threads.list(task.id)).toEqual([])
      expect(await store.runs.list(task.id)).toEqual([])
      expect(await store.events.list(task.id, { after: 0, limit: 10 })).toEqual([])
    })

    it('lists tasks newest first, filtered by project and status, with a limit', async () => {
      const a = await newProject('/repo/a')
      const b = await newProject('/repo/b')
      const first = await newTask(a.id)
      const second = await newTask(a.id, 'backlog')
      const other = await newTask(b.id)
      expect((await store.tasks.list()).map((t) => t.id)).toEqual([other.id, second.id, first.id])
      expect((await store.tasks.list({ projectId: a.id })).map((t) => t.id)).toEqual([second.id, first.id])
      expect((await store.tasks.list({ status: ['backlog'] })).map((t) => t.id)).toEqual([second.id])
      expect((await store.tasks.list({ status: ['queued', 'backlog'], limit: 2 })).map((t) => t.id)).toEqual([
        other.id,
        second.id,
      ])
    })

    it("lists a task's children oldest first, and deletes them with it", async () => {
      const project = await newProject()
      const parent = await newTask(project.id)
      const child = (title: string) =>
        store.tasks.create({
          projectId: project.id,
          title,
          prompt: 'p',
          status: 'queued',
          agent: 'builtin',
          model: null,
          mode: 'auto',
          branch: `cadre/${title}`,
          baseBranch: null,
          parentId: parent.id,
        })
      const first = await child('a')
      const second = await child('b')
      await newTask(project.id)
      expect(parent.parentId).toBeNull()
      expect(first.parentId).toBe(parent.id)
      expect((await store.tasks.listChildren(parent.id)).map((t) => t.id)).toEqual([first.id, second.id])
      expect(await store.tasks.get(second.id)).toEqual(second)
      expect(await store.tasks.listChildren(first.id)).toEqual([])
      await database.execute(`delete from tasks where id = '${parent.id}'`)
      expect(await store.tasks.get(first.id)).toBeUndefined()
    })

    it('changes a task status only from the status the caller saw', async () => {
      const task = await newTask((await newProject()).id)
      const running = await store.tasks.setStatus(task.id, 'queued', 'running', null)
      expect(running).toMatchObject({ status: 'running', statusReason: null })
      expect(await store.tasks.setStatus(task.id, 'queued', 'cancelled', 'late')).toBeUndefined()
      expect(await store.tasks.setStatus(task.id, 'running', 'failed', 'boom')).toMatchObject({
        status: 'failed',
        statusReason: 'boom',
      })
    })

    it('keeps threads and runs of a task', async () => {
      const task = await newTask((await newProject()).id)
      const main = await store.threads.create({ taskId: task.id, title: 'Main' })
      const side = await store.threads.create({ taskId: task.id, title: 'Side' })
      await store.threads.setAgentSession(side.id, 'session-42')
      expect((await store.threads.list(task.id)).map((t) => [t.title, t.agentSessionId])).toEqual([
        ['Main', null],
        ['Side', 'session-42'],
      ])
      const run = await store.runs.create({ taskId: task.id, threadId: main.id, agent: 'builtin' })
      expect(run).toMatchObject({ status: 'pending', costUsd: 0, usage: { inputTokens: 0 } })
      const usage = {
        inputTokens: 1200,
        outputTokens: 300,
        cachedTokens: 1000,
        cacheWriteTokens: 0,
        reasoningTokens: 50,
      }
      const finished = await store.runs.update(run.id, {
        status: 'succeeded',
        usage,
        costUsd: 0.0125,
        workerId: 'w1',
        endedAt: '2026-01-01T00:00:00.000Z',
      })
      expect(finished).toMatchObject({ status: 'succeeded', usage, costUsd: 0.0125, workerId: 'w1' })
      expect(await store.runs.list(task.id)).toEqual([finished])
    })

    it('appends events with per-task seqs 1, 2, 3 … and pages them by seq', async () => {
      const project = await newProject()
      const a = await newTask(project.id)
      const b = await newTask(project.id)
      const first = await store.events.append(a.id, [message('1')])
      const batch = await store.events.append(a.id, [message('2'), message('3'), message('4')])
      const other = await store.events.append(b.id, [message('b1')])
      expect([...first, ...batch].map((e) => e.seq)).toEqual([1, 2, 3, 4])
      expect(other[0]).toMatchObject({ seq: 1, taskId: b.id, projectId: project.id })
      expect((await store.tasks.get(a.id))?.lastSeq).toBe(4)
      const page = await store.events.list(a.id, { after: 1, limit: 2 })
      expect(page).toEqual(batch.slice(0, 2))
      expect(await store.events.list(a.id, { after: 4, limit: 10 })).toEqual([])
      expect(await store.tasks.lastSeqs(project.id)).toEqual(
        new Map([
          [a.id, 4],
          [b.id, 1],
        ]),
      )
    })

    it('refuses events for an unknown task, of an unknown type or with a bad payload, storing nothing', async () => {
      const task = await newTask((await newProject()).id)
      await expect(store.events.append('tsk_missing', [message('x')])).rejects.toMatchObject({
        code: 'not_found',
      })
      const bad = { type: 'message.user', data: { threadId: 'thr_x', text: 42 } } as unknown as EventInput
      await expect(store.events.append(task.id, [message('ok'), bad])).rejects.toMatchObject({
        code: 'validation_failed',
      })
      const live = {
        type: 'assistant.delta',
        data: { threadId: 't', blockId: 'b', text: 'x' },
      } as unknown as EventInput
      await expect(store.events.append(task.id, [live])).rejects.toMatchObject({ code: 'bad_request' })
      expect(await store.events.list(task.id, { after: 0, limit: 10 })).toEqual([])
      expect((await store.tasks.get(task.id))?.lastSeq).toBe(0)
    })

    it('rolls back everything a failed transaction wrote', async () => {
      const project = await newProject()
      const failure = await store
        .transaction(async (session) => {
          const task = await session.tasks.create({
            projectId: project.id,
            title: 't',
            prompt: 'p',
            status: 'queued',
            agent: 'builtin',
            model: null,
            mode: 'auto',
            branch: 'cadre/t',
            baseBranch: null,
          })
          await session.events.append(task.id, [message('inside')])
          throw new Error('abandon')
        })
        .catch((error: Error) => error.message)
      expect(failure).toBe('abandon')
      expect(await store.tasks.list({ projectId: project.id })).toEqual([])
    })

    it('never duplicates or skips a seq when writers on separate connections append at once', async () => {
      const project = await newProject()
      const tasks = await Promise.all([newTask(project.id), newTask(project.id), newTask(project.id)])
      const writers = [store, await database.connect(), await database.connect()]
      const perWriter = 60
      const results = await Promise.all(
        writers.map(async (writer, w) => {
          const seqs: Array<[string, number]> = []
          await Promise.all(
            Array.from({ length: perWriter }, async (_, i) => {
              const task = tasks[(i + w) % tasks.length]!
              const batch =
                i % 5 === 0 ? [message(`${w}-${i}a`), message(`${w}-${i}b`)] : [message(`${w}-${i}`)]
              for (const event of await writer.events.append(task.id, batch)) seqs.push([task.id, event.seq])
            }),
          )
          return seqs
        }),
      )
      const appended = results.flat()
      for (const task of tasks) {
        const given = appended
          .filter(([id]) => id === task.id)
          .map(([, seq]) => seq)
          .sort((x, y) => x - y)
        const stored = (await store.events.list(task.id, { after: 0, limit: 10_000 })).map((e) => e.seq)
        expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1))
        expect(given).toEqual(stored)
        expect((await store.tasks.get(task.id))?.lastSeq).toBe(stored.length)
      }
      expect(appended).toHaveLength(writers.length * (perWriter + perWriter / 5))
    })

    it('stores global settings with defaults for what was never set', async () => {
      expect(await store.settings.get()).toMatchObject({ defaultAgent: 'builtin', maxConcurrentRuns: 4 })
      await store.settings.put({ ...(await store.settings.get()), maxConcurrentRuns: 8 })
      expect((await (await database.connect()).settings.get()).maxConcurrentRuns).toBe(8)
    })

    it('lists queued tasks in queue order: unchanged longest first', async () => {
      const project = await newProject()
      const first = await newTask(project.id, 'backlog')
      const second = await newTask(project.id)
      await new Promise((resolve) => setTimeout(resolve, 5))
      await store.tasks.setStatus(first.id, 'backlog', 'queued', null)
      expect((await store.tasks.list({ status: ['queued'], order: 'queue' })).map((t) => t.id)).toEqual([
        second.id,
        first.id,
      ])
      expect((await store.tasks.list({ status: ['queued'] })).map((t) => t.id)).toEqual(
        [second.id, first.id].sort().reverse(),
      )
    })

    it('leases runs: heartbeats by the holder only, and exactly one worker takes over a stale run', async () => {
      const project = await newProject()
      const task = await newTask(project.id)
      const thread = await store.threads.create({ taskId: task.id, title: 'Main' })
      const run = await store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
      const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString()
      expect(await store.runs.listStale(t(0))).toEqual([]) // pending, not running
      await store.runs.update(run.id, { status: 'running', workerId: 'w1', leaseExpiresAt: t(30) })
      expect(await store.runs.heartbeat(run.id, 'w2', t(60))).toBe(false)
      expect(await store.runs.heartbeat(run.id, 'w1', t(60))).toBe(true)
      expect(await store.runs.listStale(t(59))).toEqual([])
      expect((await store.runs.listStale(t(61))).map((r) => r.id)).toEqual([run.id])
      expect(await store.runs.takeOver(run.id, 'w2', t(90), t(59))).toBeUndefined()
      const attempts = await Promise.all(
        ['w2', 'w3', 'w4'].map(async (worker) =>
          (await database.connect()).runs.takeOver(run.id, worker, t(120), t(61)),
        ),
      )
      const winners = attempts.filter((won) => won !== undefined)
      expect(winners).toHaveLength(1)
      expect(await store.runs.heartbeat(run.id, 'w1', t(200))).toBe(false)
      expect(await store.runs.get(run.id)).toMatchObject({
        workerId: winners[0]?.workerId,
        leaseExpiresAt: t(120),
      })

      // A worker known to be dead gives up its runs at once, lease or not.
      const holder = winners[0]?.workerId ?? ''
      expect((await store.runs.listStale(t(0), holder)).map((r) => r.id)).toEqual([run.id])
      expect(await store.runs.takeOver(run.id, 'w5', t(300), t(0), 'someone-else')).toBeUndefined()
      expect(await store.runs.takeOver(run.id, 'w5', t(300), t(0), holder)).toMatchObject({ workerId: 'w5' })
    })

    it("adds each step's usage to its run's totals, losing none when writers race", async () => {
      const task = await newTask((await newProject()).id)
      const thread = await store.threads.create({ taskId: task.id, title: 'Main' })
      const run = await store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
      const step = {
        inputTokens: 100,
        outputTokens: 10,
        cachedTokens: 40,
        cacheWriteTokens: 5,
        reasoningTokens: 2,
      }
      // Separate connections, as separate workers (or a resumed run and a late writer) would be.
      await Promise.all(
        Array.from({ length: 8 }, async () => (await database.connect()).runs.addUsage(run.id, step, 0.125)),
      )
      expect(await store.runs.get(run.id)).toMatchObject({
        usage: {
          inputTokens: 800,
          outputTokens: 80,
          cachedTokens: 320,
          cacheWriteTokens: 40,
          reasoningTokens: 16,
        },
        costUsd: 1,
      })
      expect(await store.runs.addUsage('run_missing', step, 1)).toBeUndefined()
    })

    it("sums what a project's runs cost since a moment", async () => {
      const project = await newProject()
      const other = await newProject('/repo/other')
      const spend = async (projectId: string, costUsd: number, startedAt: string) => {
        const task = await newTask(projectId)
        const thread = await store.threads.create({ taskId: task.id, title: 'Main' })
        const run = await store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
        await store.runs.update(run.id, { costUsd, startedAt })
      }
      await spend(project.id, 0.25, '2026-01-02T10:00:00.000Z')
      await spend(project.id, 0.5, '2026-01-02T12:00:00.000Z')
      await spend(project.id, 4, '2026-01-01T23:59:59.000Z')
      await spend(other.id, 8, '2026-01-02T12:00:00.000Z')
      expect(await store.runs.costSince(project.id, '2026-01-02T00:00:00.000Z')).toBeCloseTo(0.75, 10)
      expect(await store.runs.costSince(project.id, '2026-01-03T00:00:00.000Z')).toBe(0)
    })

    it('stores, replaces and deletes provider configurations', async () => {
      expect(await store.providers.get('ollama')).toBeUndefined()
      const first = await store.providers.put({
        name: 'ollama',
        kind: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:11434/v1',
        sealedApiKey: null,
      })
      const second = await store.providers.put({
        name: 'ollama',
        kind: 'openai-compatible',
        baseUrl: null,
        sealedApiKey: 'v1.sealed',
      })
      expect(second).toMatchObject({ baseUrl: null, sealedApiKey: 'v1.sealed', createdAt: first.createdAt })
      await store.providers.put({ name: 'anthropic', kind: 'anthropic', baseUrl: null, sealedApiKey: null })
      expect((await (await database.connect()).providers.list()).map((p) => p.name)).toEqual([
        'anthropic',
        'ollama',
      ])
      expect(await store.providers.delete('ollama')).toBe(true)
      expect(await store.providers.delete('ollama')).toBe(false)
      expect(await store.providers.get('ollama')).toBeUndefined()
    })

    it('keeps webhooks and their deliveries: the due ones claimed once, attempts recorded, resent', async () => {
      const project = await newProject('/repo/hooks')
      const other = await newProject('/repo/other')
      const own = await store.webhooks.create({
        id: 'whk_own',
        projectId: project.id,
        url: 'https://example.com/own',
        events: ['task.finished'],
        sealedSecret: 'sealed-1',
      })
      const global = await store.webhooks.create({
        id: 'whk_global',
        projectId: null,
        url: 'https://example.com/all',
        events: ['task.finished', 'task.needs_input'],
        sealedSecret: 'sealed-2',
      })
      expect(own).toMatchObject({ enabled: true, events: ['task.finished'], sealedSecret: 'sealed-1' })
      expect((await store.webhooks.forEvent(project.id, 'task.finished')).map((w) => w.id)).toEqual(
        expect.arrayContaining(['whk_own', 'whk_global']),
      )
      expect((await store.webhooks.forEvent(other.id, 'task.finished')).map((w) => w.id)).toEqual([
        'whk_global',
      ])
      expect((await store.webhooks.forEvent(project.id, 'task.needs_input')).map((w) => w.id)).toEqual([
        'whk_global',
      ])
      await store.webhooks.update(global.id, { enabled: false })
      expect((await store.webhooks.forEvent(other.id, 'task.finished')).map((w) => w.id)).toEqual([])
      expect((await store.webhooks.list({ projectId: project.id })).map((w) => w.id)).toEqual(['whk_own'])

      const [delivery] = await store.webhooks.enqueue([
        { id: 'dlv_1', webhookId: own.id, event: 'task.finished', payload: { task: { id: 't' } } },
      ])
      expect(delivery).toMatchObject({ status: 'pending', attempts: 0, payload: { task: { id: 't' } } })
      const at = new Date().toISOString()
      const until = new Date(Date.now() + 60_000).toISOString()
      // Two servers looking at once: one of them gets it.
      const claims = await Promise.all([
        store.webhooks.claimDue(at, until, 10),
        store.webhooks.claimDue(at, until, 10),
      ])
      expect(claims.flat().map((d) => d.id)).toEqual(['dlv_1'])
      expect(await store.webhooks.claimDue(at, until, 10)).toEqual([])
      await store.webhooks.recordAttempt('dlv_1', {
        status: 'failed',
        attempts: 6,
        nextAttemptAt: null,
        responseStatus: 500,
        error: 'the receiver answered 500',
        durationMs: 12,
      })
      expect(await store.webhooks.getDelivery('dlv_1')).toMatchObject({
        status: 'failed',
        responseStatus: 500,
      })
      expect(await store.webhooks.resend('dlv_1')).toMatchObject({ status: 'pending', attempts: 6 })
      expect((await store.webhooks.deliveries(own.id)).map((d) => d.id)).toEqual(['dlv_1'])
      // Deleting the project deletes its webhooks and their deliveries.
      expect(await store.projects.delete(project.id)).toBe(true)
      expect(await store.webhooks.get(own.id)).toBeUndefined()
      expect(await store.webhooks.getDelivery('dlv_1')).toBeUndefined()
      expect(await store.webhooks.delete(global.id)).toBe(true)
    })

    it('lets one driver at a time hold a build, until its lease runs out or it is known dead', async () => {
      const project = await newProject('/repo/builds')
      const build = await store.builds.create({
        id: 'bld_1',
        projectId: project.id,
        status: 'running',
        branch: 'cadre/build-1',
        fromBranch: 'main',
        concurrency: 2,
        agent: 'builtin',
        model: null,
        mode: 'auto',
        maxAttempts: 3,
        regressionEvery: 1,
      })
      expect(build).toMatchObject({ status: 'running', pausedBy: null, initializerTaskId: null })
      const later = new Date(Date.now() + 60_000).toISOString()
      const past = new Date(Date.now() - 1000).toISOString()
      expect(await store.builds.claim('bld_1', 'wkr_a', later)).toBe(true)
      expect(await store.builds.claim('bld_1', 'wkr_b', later)).toBe(false)
      expect(await store.builds.claim('bld_1', 'wkr_a', later)).toBe(true)
      expect(await store.builds.claim('bld_1', 'wkr_b', later, 'wkr_a')).toBe(true)
      expect(await store.builds.claim('bld_1', 'wkr_a', past)).toBe(false)
      expect(await store.builds.claim('bld_1', 'wkr_b', past)).toBe(true)
      expect(await store.builds.claim('bld_1', 'wkr_a', later)).toBe(true)
      expect(await store.builds.claim('bld_none', 'wkr_a', later)).toBe(false)
      const updated = await store.builds.update('bld_1', { status: 'paused', pausedBy: 'schedule' })
      expect(updated).toMatchObject({ status: 'paused', pausedBy: 'schedule' })
      expect(
        (await store.builds.list({ projectId: project.id, status: ['paused'] })).map((b) => b.id),
      ).toEqual(['bld_1'])
    })

    it('keeps connectors: a project gets its own and the global enabled ones', async () => {
      const project = await newProject('/repo/connectors')
      const fields = {
        command: 'mcp-server',
        args: ['--stdio'],
        url: null,
        sealedEnv: 'sealed-env',
        sealedHeaders: null,
        sealedOauth: null,
      }
      await store.connectors.create({
        id: 'con_1',
        projectId: project.id,
        name: 'own',
        transport: 'stdio',
        ...fields,
      })
      await store.connectors.create({
        id: 'con_2',
        projectId: null,
        name: 'global',
        transport: 'stdio',
        ...fields,
      })
      expect((await store.connectors.forProject(project.id)).map((c) => c.name)).toEqual(['own', 'global'])
      expect(await store.connectors.get('con_1')).toMatchObject({
        args: ['--stdio'],
        sealedEnv: 'sealed-env',
        enabled: true,
      })
      await store.connectors.update('con_2', { enabled: false, sealedOauth: 'sealed-oauth' })
      expect((await store.connectors.get('con_2'))?.sealedOauth).toBe('sealed-oauth')
      expect((await store.connectors.forProject(project.id)).map((c) => c.name)).toEqual(['own'])
      expect((await store.connectors.list({ projectId: project.id })).map((c) => c.id)).toEqual(['con_1'])
      expect(await store.projects.delete(project.id)).toBe(true)
      expect(await store.connectors.get('con_1')).toBeUndefined()
      expect(await store.connectors.delete('con_2')).toBe(true)
    })
  })
