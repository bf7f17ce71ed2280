import { expect, it } from 'vitest'
import type { StoreContext } from './store-contract-context.ts'

/** The Store contract: settings, the queue, run leases, usage and cost. */
export const describeRunsContract = (ctx: StoreContext) => {
  it('stores global settings with defaults for what was never set', async () => {
    expect(await ctx.store.settings.get()).toMatchObject({ defaultAgent: 'builtin', maxConcurrentRuns: 4 })
    await ctx.store.settings.put({ ...(await ctx.store.settings.get()), maxConcurrentRuns: 8 })
    expect((await (await ctx.database.connect()).settings.get()).maxConcurrentRuns).toBe(8)
  })

  it('lists queued tasks in queue order (unchanged longest first), by agent or not', async () => {
    const project = await ctx.newProject()
    const first = await ctx.newTask(project.id, 'backlog')
    const second = await ctx.newTask(project.id)
    await new Promise((resolve) => setTimeout(resolve, 5))
    await ctx.store.tasks.setStatus(first.id, 'backlog', 'queued', null)
    expect((await ctx.store.tasks.list({ status: ['queued'], order: 'queue' })).map((t) => t.id)).toEqual([
      second.id,
      first.id,
    ])
    expect((await ctx.store.tasks.list({ status: ['queued'] })).map((t) => t.id)).toEqual(
      [second.id, first.id].sort().reverse(),
    )
    const byAgent = async (agent: { in: string[] } | { notIn: string[] }) =>
      (await ctx.store.tasks.list({ projectId: project.id, agent, order: 'queue' })).map((t) => t.id)
    expect(await byAgent({ in: ['builtin', 'codex'] })).toEqual([second.id, first.id])
    expect(await byAgent({ in: ['codex'] })).toEqual([])
    expect(await byAgent({ in: [] })).toEqual([])
    expect(await byAgent({ notIn: ['builtin'] })).toEqual([])
    expect(await byAgent({ notIn: ['codex'] })).toEqual([second.id, first.id])
  })

  it('leases runs: heartbeats by the holder only, and exactly one worker takes over a stale run', async () => {
    const project = await ctx.newProject()
    const task = await ctx.newTask(project.id)
    const thread = await ctx.store.threads.create({ taskId: task.id, title: 'Main' })
    const run = await ctx.store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
    const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString()
    expect(await ctx.store.runs.listStale(t(0))).toEqual([]) // pending, not running
    await ctx.store.runs.update(run.id, { status: 'running', workerId: 'w1', leaseExpiresAt: t(30) })
    expect(await ctx.store.runs.heartbeat(run.id, 'w2', t(60))).toBe(false)
    expect(await ctx.store.runs.heartbeat(run.id, 'w1', t(60))).toBe(true)
    expect(await ctx.store.runs.listStale(t(59))).toEqual([])
    expect((await ctx.store.runs.listStale(t(61))).map((r) => r.id)).toEqual([run.id])
    expect(await ctx.store.runs.takeOver(run.id, 'w2', t(90), t(59))).toBeUndefined()
    const attempts = await Promise.all(
      ['w2', 'w3', 'w4'].map(async (worker) =>
        (await ctx.database.connect()).runs.takeOver(run.id, worker, t(120), t(61)),
      ),
    )
    const winners = attempts.filter((won) => won !== undefined)
    expect(winners).toHaveLength(1)
    expect(await ctx.store.runs.heartbeat(run.id, 'w1', t(200))).toBe(false)
    expect(await ctx.store.runs.get(run.id)).toMatchObject({
      workerId: winners[0]?.workerId,
      leaseExpiresAt: t(120),
    })

    // A worker known to be dead gives up its runs at once, lease or not.
    const holder = winners[0]?.workerId ?? ''
    expect((await ctx.store.runs.listStale(t(0), holder)).map((r) => r.id)).toEqual([run.id])
    expect(await ctx.store.runs.takeOver(run.id, 'w5', t(300), t(0), 'someone-else')).toBeUndefined()
    expect(await ctx.store.runs.takeOver(run.id, 'w5', t(300), t(0), holder)).toMatchObject({
      workerId: 'w5',
    })
  })

  it("adds each step's usage to its run's totals, losing none when writers race", async () => {
    const task = await ctx.newTask((await ctx.newProject()).id)
    const thread = await ctx.store.threads.create({ taskId: task.id, title: 'Main' })
    const run = await ctx.store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
    const step = {
      inputTokens: 100,
      outputTokens: 10,
      cachedTokens: 40,
      cacheWriteTokens: 5,
      reasoningTokens: 2,
    }
    // Separate connections, as separate workers (or a resumed run and a late writer) would be.
    await Promise.all(
      Array.from({ length: 8 }, async () =>
        (await ctx.database.connect()).runs.addUsage(run.id, step, 0.125),
      ),
    )
    expect(await ctx.store.runs.get(run.id)).toMatchObject({
      usage: {
        inputTokens: 800,
        outputTokens: 80,
        cachedTokens: 320,
        cacheWriteTokens: 40,
        reasoningTokens: 16,
      },
      costUsd: 1,
    })
    expect(await ctx.store.runs.addUsage('run_missing', step, 1)).toBeUndefined()
  })

  it("sums what a project's runs cost since a moment", async () => {
    const project = await ctx.newProject()
    const other = await ctx.newProject('/repo/other')
    const spend = async (projectId: string, costUsd: number, startedAt: string) => {
      const task = await ctx.newTask(projectId)
      const thread = await ctx.store.threads.create({ taskId: task.id, title: 'Main' })
      const run = await ctx.store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
      await ctx.store.runs.update(run.id, { costUsd, startedAt })
    }
    await spend(project.id, 0.25, '2026-01-02T10:00:00.000Z')
    await spend(project.id, 0.5, '2026-01-02T12:00:00.000Z')
    await spend(project.id, 4, '2026-01-01T23:59:59.000Z')
    await spend(other.id, 8, '2026-01-02T12:00:00.000Z')
    expect(await ctx.store.runs.costSince(project.id, '2026-01-02T00:00:00.000Z')).toBeCloseTo(0.75, 10)
    expect(await ctx.store.runs.costSince(project.id, '2026-01-03T00:00:00.000Z')).toBe(0)
  })
}
