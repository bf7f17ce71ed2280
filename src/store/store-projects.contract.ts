import { expect, it } from 'vitest'
import { CadreError } from '../core/errors.ts'
import { ProjectSettings } from '../core/settings.ts'
import type { StoreContext } from './store-contract-context.ts'
import { userMessage as message } from './store-contract-context.ts'

/** The Store contract: projects, tasks, threads and runs as records. */
export const describeProjectsContract = (ctx: StoreContext) => {
  it('creates, reads, lists, updates and deletes projects', async () => {
    const a = await ctx.newProject('/repo/a')
    const b = await ctx.newProject('/repo/b')
    expect(await ctx.store.projects.get(a.id)).toEqual(a)
    expect(await ctx.store.projects.getByPath('/repo/b')).toEqual(b)
    expect(await ctx.store.projects.get('prj_missing')).toBeUndefined()
    expect((await ctx.store.projects.list()).map((p) => p.id)).toEqual([a.id, b.id])
    const settings = ProjectSettings.parse({ checkCommand: 'npm test', sandbox: { network: 'off' } })
    const updated = await ctx.store.projects.update(a.id, { name: 'renamed', settings })
    expect(updated).toMatchObject({
      name: 'renamed',
      settings: { checkCommand: 'npm test', sandbox: { network: 'off' } },
    })
    expect(await ctx.store.projects.get(a.id)).toEqual(updated)
    expect(await ctx.store.projects.update('prj_missing', { name: 'x' })).toBeUndefined()
    expect(await ctx.store.projects.delete(b.id)).toBe(true)
    expect(await ctx.store.projects.delete(b.id)).toBe(false)
    expect((await ctx.store.projects.list()).map((p) => p.id)).toEqual([a.id])
  })

  it('refuses a second project on the same path with a conflict', async () => {
    await ctx.newProject('/repo/a')
    const failure = await ctx.newProject('/repo/a').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CadreError)
    expect((failure as CadreError).code).toBe('conflict')
  })

  it('deleting a project deletes its tasks, threads, runs and events', async () => {
    const project = await ctx.newProject()
    const task = await ctx.newTask(project.id)
    const thread = await ctx.store.threads.create({ taskId: task.id, title: 'Main' })
    await ctx.store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
    await ctx.store.events.append(task.id, [message('hi')])
    await ctx.store.projects.delete(project.id)
    expect(await ctx.store.tasks.get(task.id)).toBeUndefined()
    expect(await ctx.store.threads.list(task.id)).toEqual([])
    expect(await ctx.store.runs.list(task.id)).toEqual([])
    expect(await ctx.store.events.list(task.id, { after: 0, limit: 10 })).toEqual([])
  })

  it('lists tasks newest first, filtered by project and status, with a limit', async () => {
    const a = await ctx.newProject('/repo/a')
    const b = await ctx.newProject('/repo/b')
    const first = await ctx.newTask(a.id)
    const second = await ctx.newTask(a.id, 'backlog')
    const other = await ctx.newTask(b.id)
    expect((await ctx.store.tasks.list()).map((t) => t.id)).toEqual([other.id, second.id, first.id])
    expect((await ctx.store.tasks.list({ projectId: a.id })).map((t) => t.id)).toEqual([second.id, first.id])
    expect((await ctx.store.tasks.list({ status: ['backlog'] })).map((t) => t.id)).toEqual([second.id])
    expect(
      (await ctx.store.tasks.list({ status: ['queued', 'backlog'], limit: 2 })).map((t) => t.id),
    ).toEqual([other.id, second.id])
  })

  it("lists a task's children oldest first, and deletes them with it", async () => {
    const project = await ctx.newProject()
    const parent = await ctx.newTask(project.id)
    const child = (title: string) =>
      ctx.store.tasks.create({
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
    await ctx.newTask(project.id)
    expect(parent.parentId).toBeNull()
    expect(first.parentId).toBe(parent.id)
    expect((await ctx.store.tasks.listChildren(parent.id)).map((t) => t.id)).toEqual([first.id, second.id])
    expect(await ctx.store.tasks.get(second.id)).toEqual(second)
    expect(await ctx.store.tasks.listChildren(first.id)).toEqual([])
    await ctx.database.execute(`delete from tasks where id = '${parent.id}'`)
    expect(await ctx.store.tasks.get(first.id)).toBeUndefined()
  })

  it('changes a task status only from the status the caller saw', async () => {
    const task = await ctx.newTask((await ctx.newProject()).id)
    const running = await ctx.store.tasks.setStatus(task.id, 'queued', 'running', null)
    expect(running).toMatchObject({ status: 'running', statusReason: null })
    expect(await ctx.store.tasks.setStatus(task.id, 'queued', 'cancelled', 'late')).toBeUndefined()
    expect(await ctx.store.tasks.setStatus(task.id, 'running', 'failed', 'boom')).toMatchObject({
      status: 'failed',
      statusReason: 'boom',
    })
  })

  it('keeps threads and runs of a task', async () => {
    const task = await ctx.newTask((await ctx.newProject()).id)
    const main = await ctx.store.threads.create({ taskId: task.id, title: 'Main' })
    const side = await ctx.store.threads.create({ taskId: task.id, title: 'Side' })
    await ctx.store.threads.setAgentSession(side.id, 'session-42')
    expect((await ctx.store.threads.list(task.id)).map((t) => [t.title, t.agentSessionId])).toEqual([
      ['Main', null],
      ['Side', 'session-42'],
    ])
    const run = await ctx.store.runs.create({ taskId: task.id, threadId: main.id, agent: 'builtin' })
    expect(run).toMatchObject({ status: 'pending', costUsd: 0, usage: { inputTokens: 0 } })
    const usage = {
      inputTokens: 1200,
      outputTokens: 300,
      cachedTokens: 1000,
      cacheWriteTokens: 0,
      reasoningTokens: 50,
    }
    const finished = await ctx.store.runs.update(run.id, {
      status: 'succeeded',
      usage,
      costUsd: 0.0125,
      workerId: 'w1',
      endedAt: '2026-01-01T00:00:00.000Z',
    })
    expect(finished).toMatchObject({ status: 'succeeded', usage, costUsd: 0.0125, workerId: 'w1' })
    expect(await ctx.store.runs.list(task.id)).toEqual([finished])
  })
}
