import { expect, it } from 'vitest'
import type { StoreContext } from './store-contract-context.ts'

/** The Store contract: providers, webhooks, builds and connectors. */
export const describeIntegrationsContract = (ctx: StoreContext) => {
  it('stores, replaces and deletes provider configurations', async () => {
    expect(await ctx.store.providers.get('ollama')).toBeUndefined()
    const first = await ctx.store.providers.put({
      name: 'ollama',
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:11434/v1',
      sealedApiKey: null,
    })
    const second = await ctx.store.providers.put({
      name: 'ollama',
      kind: 'openai-compatible',
      baseUrl: null,
      sealedApiKey: 'v1.sealed',
    })
    expect(second).toMatchObject({ baseUrl: null, sealedApiKey: 'v1.sealed', createdAt: first.createdAt })
    await ctx.store.providers.put({ name: 'anthropic', kind: 'anthropic', baseUrl: null, sealedApiKey: null })
    expect((await (await ctx.database.connect()).providers.list()).map((p) => p.name)).toEqual([
      'anthropic',
      'ollama',
    ])
    expect(await ctx.store.providers.delete('ollama')).toBe(true)
    expect(await ctx.store.providers.delete('ollama')).toBe(false)
    expect(await ctx.store.providers.get('ollama')).toBeUndefined()
  })

  it('keeps webhooks and their deliveries: the due ones claimed once, attempts recorded, resent', async () => {
    const project = await ctx.newProject('/repo/hooks')
    const other = await ctx.newProject('/repo/other')
    const own = await ctx.store.webhooks.create({
      id: 'whk_own',
      projectId: project.id,
      url: 'https://example.com/own',
      events: ['task.finished'],
      sealedSecret: 'sealed-1',
    })
    const global = await ctx.store.webhooks.create({
      id: 'whk_global',
      projectId: null,
      url: 'https://example.com/all',
      events: ['task.finished', 'task.needs_input'],
      sealedSecret: 'sealed-2',
    })
    expect(own).toMatchObject({ enabled: true, events: ['task.finished'], sealedSecret: 'sealed-1' })
    expect((await ctx.store.webhooks.forEvent(project.id, 'task.finished')).map((w) => w.id)).toEqual(
      expect.arrayContaining(['whk_own', 'whk_global']),
    )
    expect((await ctx.store.webhooks.forEvent(other.id, 'task.finished')).map((w) => w.id)).toEqual([
      'whk_global',
    ])
    expect((await ctx.store.webhooks.forEvent(project.id, 'task.needs_input')).map((w) => w.id)).toEqual([
      'whk_global',
    ])
    await ctx.store.webhooks.update(global.id, { enabled: false })
    expect((await ctx.store.webhooks.forEvent(other.id, 'task.finished')).map((w) => w.id)).toEqual([])
    expect((await ctx.store.webhooks.list({ projectId: project.id })).map((w) => w.id)).toEqual(['whk_own'])

    const [delivery] = await ctx.store.webhooks.enqueue([
      { id: 'dlv_1', webhookId: own.id, event: 'task.finished', payload: { task: { id: 't' } } },
    ])
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0, payload: { task: { id: 't' } } })
    const at = new Date().toISOString()
    const until = new Date(Date.now() + 60_000).toISOString()
    // Two servers looking at once: one of them gets it.
    const claims = await Promise.all([
      ctx.store.webhooks.claimDue(at, until, 10),
      ctx.store.webhooks.claimDue(at, until, 10),
    ])
    expect(claims.flat().map((d) => d.id)).toEqual(['dlv_1'])
    expect(await ctx.store.webhooks.claimDue(at, until, 10)).toEqual([])
    await ctx.store.webhooks.recordAttempt('dlv_1', {
      status: 'failed',
      attempts: 6,
      nextAttemptAt: null,
      responseStatus: 500,
      error: 'the receiver answered 500',
      durationMs: 12,
    })
    expect(await ctx.store.webhooks.getDelivery('dlv_1')).toMatchObject({
      status: 'failed',
      responseStatus: 500,
    })
    expect(await ctx.store.webhooks.resend('dlv_1')).toMatchObject({ status: 'pending', attempts: 6 })
    expect((await ctx.store.webhooks.deliveries(own.id)).map((d) => d.id)).toEqual(['dlv_1'])
    // Deleting the project deletes its webhooks and their deliveries.
    expect(await ctx.store.projects.delete(project.id)).toBe(true)
    expect(await ctx.store.webhooks.get(own.id)).toBeUndefined()
    expect(await ctx.store.webhooks.getDelivery('dlv_1')).toBeUndefined()
    expect(await ctx.store.webhooks.delete(global.id)).toBe(true)
  })

  it('lets one driver at a time hold a build, until its lease runs out or it is known dead', async () => {
    const project = await ctx.newProject('/repo/builds')
    const build = await ctx.store.builds.create({
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
    expect(await ctx.store.builds.claim('bld_1', 'wkr_a', later)).toBe(true)
    expect(await ctx.store.builds.claim('bld_1', 'wkr_b', later)).toBe(false)
    expect(await ctx.store.builds.claim('bld_1', 'wkr_a', later)).toBe(true)
    expect(await ctx.store.builds.claim('bld_1', 'wkr_b', later, 'wkr_a')).toBe(true)
    expect(await ctx.store.builds.claim('bld_1', 'wkr_a', past)).toBe(false)
    expect(await ctx.store.builds.claim('bld_1', 'wkr_b', past)).toBe(true)
    expect(await ctx.store.builds.claim('bld_1', 'wkr_a', later)).toBe(true)
    expect(await ctx.store.builds.claim('bld_none', 'wkr_a', later)).toBe(false)
    const updated = await ctx.store.builds.update('bld_1', { status: 'paused', pausedBy: 'schedule' })
    expect(updated).toMatchObject({ status: 'paused', pausedBy: 'schedule' })
    expect(
      (await ctx.store.builds.list({ projectId: project.id, status: ['paused'] })).map((b) => b.id),
    ).toEqual(['bld_1'])
  })

  it('keeps connectors: a project gets its own and the global enabled ones', async () => {
    const project = await ctx.newProject('/repo/connectors')
    const fields = {
      command: 'mcp-server',
      args: ['--stdio'],
      url: null,
      sealedEnv: 'sealed-env',
      sealedHeaders: null,
      sealedOauth: null,
    }
    await ctx.store.connectors.create({
      id: 'con_1',
      projectId: project.id,
      name: 'own',
      transport: 'stdio',
      ...fields,
    })
    await ctx.store.connectors.create({
      id: 'con_2',
      projectId: null,
      name: 'global',
      transport: 'stdio',
      ...fields,
    })
    expect((await ctx.store.connectors.forProject(project.id)).map((c) => c.name)).toEqual(['own', 'global'])
    expect(await ctx.store.connectors.get('con_1')).toMatchObject({
      args: ['--stdio'],
      sealedEnv: 'sealed-env',
      enabled: true,
    })
    await ctx.store.connectors.update('con_2', { enabled: false, sealedOauth: 'sealed-oauth' })
    expect((await ctx.store.connectors.get('con_2'))?.sealedOauth).toBe('sealed-oauth')
    expect((await ctx.store.connectors.forProject(project.id)).map((c) => c.name)).toEqual(['own'])
    expect((await ctx.store.connectors.list({ projectId: project.id })).map((c) => c.id)).toEqual(['con_1'])
    expect(await ctx.store.projects.delete(project.id)).toBe(true)
    expect(await ctx.store.connectors.get('con_1')).toBeUndefined()
    expect(await ctx.store.connectors.delete('con_2')).toBe(true)
  })
}
