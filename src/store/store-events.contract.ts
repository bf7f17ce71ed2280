import { expect, it } from 'vitest'
import type { EventInput } from '../core/events/registry.ts'
import type { StoreContext } from './store-contract-context.ts'
import { userMessage as message } from './store-contract-context.ts'

/** The Store contract: the event log. */
export const describeEventsContract = (ctx: StoreContext) => {
  it('appends events with per-task seqs 1, 2, 3 … and pages them by seq', async () => {
    const project = await ctx.newProject()
    const a = await ctx.newTask(project.id)
    const b = await ctx.newTask(project.id)
    const first = await ctx.store.events.append(a.id, [message('1')])
    const batch = await ctx.store.events.append(a.id, [message('2'), message('3'), message('4')])
    const other = await ctx.store.events.append(b.id, [message('b1')])
    expect([...first, ...batch].map((e) => e.seq)).toEqual([1, 2, 3, 4])
    expect(other[0]).toMatchObject({ seq: 1, taskId: b.id, projectId: project.id })
    expect((await ctx.store.tasks.get(a.id))?.lastSeq).toBe(4)
    const page = await ctx.store.events.list(a.id, { after: 1, limit: 2 })
    expect(page).toEqual(batch.slice(0, 2))
    expect(await ctx.store.events.list(a.id, { after: 4, limit: 10 })).toEqual([])
    expect(await ctx.store.tasks.lastSeqs(project.id)).toEqual(
      new Map([
        [a.id, 4],
        [b.id, 1],
      ]),
    )
  })

  it('refuses events for an unknown task, of an unknown type or with a bad payload, storing nothing', async () => {
    const task = await ctx.newTask((await ctx.newProject()).id)
    await expect(ctx.store.events.append('tsk_missing', [message('x')])).rejects.toMatchObject({
      code: 'not_found',
    })
    const bad = { type: 'message.user', data: { threadId: 'thr_x', text: 42 } } as unknown as EventInput
    await expect(ctx.store.events.append(task.id, [message('ok'), bad])).rejects.toMatchObject({
      code: 'validation_failed',
    })
    const live = {
      type: 'assistant.delta',
      data: { threadId: 't', blockId: 'b', text: 'x' },
    } as unknown as EventInput
    await expect(ctx.store.events.append(task.id, [live])).rejects.toMatchObject({ code: 'bad_request' })
    expect(await ctx.store.events.list(task.id, { after: 0, limit: 10 })).toEqual([])
    expect((await ctx.store.tasks.get(task.id))?.lastSeq).toBe(0)
  })

  it('rolls back everything a failed transaction wrote', async () => {
    const project = await ctx.newProject()
    const failure = await ctx.store
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
    expect(await ctx.store.tasks.list({ projectId: project.id })).toEqual([])
  })

  it('never duplicates or skips a seq when writers on separate connections append at once', async () => {
    const project = await ctx.newProject()
    const tasks = await Promise.all([
      ctx.newTask(project.id),
      ctx.newTask(project.id),
      ctx.newTask(project.id),
    ])
    const writers = [ctx.store, await ctx.database.connect(), await ctx.database.connect()]
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
      const stored = (await ctx.store.events.list(task.id, { after: 0, limit: 10_000 })).map((e) => e.seq)
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1))
      expect(given).toEqual(stored)
      expect((await ctx.store.tasks.get(task.id))?.lastSeq).toBe(stored.length)
    }
    expect(appended).toHaveLength(writers.length * (perWriter + perWriter / 5))
  })
}
