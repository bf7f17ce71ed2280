import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startAnsweringServer } from '../../../test/support/answering-server.ts'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'
import type { TransitionAction } from '../../core/task-status.ts'
import { transitionTask } from '../../tasks/transition-task.ts'

type Json = Record<string, unknown> & { id: string }

describe('comparisons: one prompt, several agents side by side', () => {
  let t: TestServer
  let projectId: string
  beforeEach(async () => {
    t = await startTestServer()
    projectId = await t.addProject()
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  const create = (body: Record<string, unknown>) =>
    t.api('/api/tasks', { method: 'POST', json: { projectId, prompt: 'Add a dark mode', ...body } })
  const compare = async (body: Record<string, unknown> = {}) => {
    const response = await create({ agents: ['builtin', 'codex', 'gemini'], ...body })
    expect(response.status).toBe(201)
    return (await response.json()) as Json & { children: Json[] }
  }
  const get = async (id: string) => (await t.api(`/api/tasks/${id}`)).json()
  const events = async (id: string) =>
    ((await (await t.api(`/api/tasks/${id}/events`)).json()).events as { type: string; data: Json }[]).map(
      (e) => [e.type, e.data] as const,
    )
  /** What a worker, a run or a person does to a child, straight through the state machine. */
  const act = (id: string, ...actions: TransitionAction[]) =>
    actions.reduce(
      (previous, action) => previous.then(() => transitionTask(t, id, action)),
      Promise.resolve() as Promise<unknown>,
    )

  it('refuses a bad list of agents with a 400 that says what is wrong, creating nothing', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ agents: ['builtin'] }, /body\.agents: a comparison takes 2 to 5 agents/],
      [{ agents: ['builtin', 'codex', 'gemini', 'opencode', 'claude-code', 'x'] }, /2 to 5 agents/],
      [
        { agents: ['builtin', 'devin'] },
        /body\.agents\.1: unknown agent "devin": the agents are builtin, claude-code, codex, gemini, opencode/,
      ],
      [{ agents: ['codex', 'builtin', 'codex'] }, /body\.agents\.2: "codex" is given twice/],
      [{ agent: 'codex', agents: ['builtin', 'codex'] }, /body\.agent: give agent \(one task\) or agents/],
      [{ models: { codex: 'openai:gpt-5.5' } }, /body\.models: models go with agents/],
      [
        { agents: ['builtin', 'codex'], models: { gemini: 'google:x' } },
        /body\.models\.gemini: "gemini" is not/,
      ],
      [{ agent: 'compare' }, /body\.agent: "compare" is not an agent/],
      [{ agents: ['builtin', 'codex'], models: { codex: 'nowhere:model' } }, /nowhere/],
      [{ agents: ['builtin', 'codex'], mode: 'plan' }, /Codex has no plan mode/],
    ]
    for (const [body, message] of cases) {
      const response = await create(body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect((await response.json()).error.message, JSON.stringify(body)).toMatch(message)
    }
    expect((await (await t.api('/api/tasks')).json()).tasks).toEqual([])
  })

  it('creates the comparison and one ordinary task per agent, each on its own branch, and answers 201 with them', async () => {
    await using provider = await startAnsweringServer(200, { data: [{ id: 'sonnet' }] })
    await t.api('/api/providers/local', { method: 'PUT', json: { baseUrl: provider.url } })
    const created = await compare({ mode: 'default', models: { codex: 'local:sonnet' }, title: 'Dark' })
    expect(created).toMatchObject({
      agent: 'compare',
      status: 'running',
      parentId: null,
      title: 'Dark',
      mode: 'default',
      branch: '',
    })
    expect(created.children.map((child) => [child.agent, child.model, child.title])).toEqual([
      ['builtin', null, 'Dark (builtin)'],
      ['codex', 'local:sonnet', 'Dark (codex)'],
      ['gemini', null, 'Dark (gemini)'],
    ])
    for (const child of created.children) {
      expect(child).toMatchObject({
        parentId: created.id,
        status: 'queued',
        prompt: 'Add a dark mode',
        mode: 'default',
      })
    }
    expect(new Set(created.children.map((child) => child.branch)).size).toBe(3)
    // Each child is an ordinary task with its own thread and first message.
    expect((await events(created.children[1]!.id)).map(([type]) => type)).toEqual([
      'task.created',
      'thread.created',
      'message.user',
    ])
    expect(await events(created.id)).toEqual([
      ['task.created', expect.objectContaining({ agent: 'compare', status: 'running' })],
      [
        'compare.created',
        {
          children: created.children.map((child) => ({
            taskId: child.id,
            agent: child.agent,
            model: child.model,
          })),
        },
      ],
    ])
    const detail = await get(created.id)
    expect(detail.children.map((child: Json) => child.id)).toEqual(created.children.map((child) => child.id))
    expect(detail.threads).toEqual([])
    expect(detail.workspace).toBeUndefined()
    expect((await (await t.api('/api/tasks')).json()).tasks).toHaveLength(4)
  })

  it("follows its children's statuses and is never queued itself", async () => {
    const created = await compare({ start: false })
    expect(created.status).toBe('backlog')
    expect(created.children.map((child) => child.status)).toEqual(['backlog', 'backlog', 'backlog'])
    const started = await t.api(`/api/tasks/${created.id}/start`, { method: 'POST' })
    expect(await started.json()).toMatchObject({ status: 'running' })
    expect((await get(created.children[2]!.id)).status).toBe('queued')
    const [builtin, codex, gemini] = created.children.map((child) => child.id) as [string, string, string]
    await act(builtin, 'start_run', 'finish_with_changes')
    await act(codex, 'start_run', 'fail')
    expect((await get(created.id)).status).toBe('running') // gemini still queued
    await act(gemini, 'start_run', 'finish')
    expect(await get(created.id)).toMatchObject({ status: 'review', statusReason: null })
    await act(builtin, 'accept')
    expect((await get(created.id)).status).toBe('done')
    // A follow-up to one of them puts the comparison back to work.
    await t.api(`/api/tasks/${codex}/messages`, { method: 'POST', json: { text: 'try again' } })
    expect((await get(created.id)).status).toBe('running')
    const log = await events(created.id)
    expect(
      log.filter(([type]) => type === 'task.status_changed').map(([, data]) => [data.to, data.action]),
    ).toEqual([
      ['running', 'children_changed'],
      ['review', 'children_changed'],
      ['done', 'children_changed'],
      ['running', 'children_changed'],
    ])
    expect(log.find(([type, data]) => type === 'compare.child_changed' && data.to === 'failed')?.[1]).toEqual(
      {
        childId: codex,
        agent: 'codex',
        from: 'running',
        to: 'failed',
      },
    )
  })

  it('cancels its children that have not finished when cancelled, keeping work in review', async () => {
    const created = await compare()
    const [builtin, codex, gemini] = created.children.map((child) => child.id) as [string, string, string]
    await act(builtin, 'start_run', 'finish_with_changes')
    await act(codex, 'start_run')
    const cancelled = await t.api(`/api/tasks/${created.id}/cancel`, {
      method: 'POST',
      json: { reason: 'enough' },
    })
    expect(cancelled.status).toBe(200)
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', statusReason: 'enough' })
    expect((await get(builtin)).status).toBe('review')
    for (const id of [codex, gemini]) {
      expect(await get(id)).toMatchObject({
        status: 'cancelled',
        statusReason: 'the comparison was cancelled: enough',
      })
    }
    // A running agent hears of it as of any cancel: its task's own status change.
    expect((await events(codex)).at(-1)).toEqual([
      'task.status_changed',
      { from: 'running', to: 'cancelled', action: 'cancel', reason: 'the comparison was cancelled: enough' },
    ])
    expect((await t.api(`/api/tasks/${created.id}/cancel`, { method: 'POST' })).status).toBe(409)
    // The comparison stays cancelled; its children go on by themselves.
    await act(builtin, 'accept')
    expect((await get(created.id)).status).toBe('cancelled')
  })

  it('refuses what only a child can do, pointing at the children', async () => {
    const created = await compare()
    const message = await t.api(`/api/tasks/${created.id}/messages`, { method: 'POST', json: { text: 'x' } })
    expect(message.status).toBe(400)
    expect((await message.json()).error.message).toMatch(
      new RegExp(
        `is a comparison and runs no agent of its own: send the message to one of its tasks \\(builtin ${created.children[0]!.id}`,
      ),
    )
    const diff = await t.api(`/api/tasks/${created.id}/diff`)
    expect(diff.status).toBe(400)
    expect((await diff.json()).error.message).toMatch(/is a comparison and has no workspace of its own/)
    const notComparison = await t.api(`/api/tasks/${created.children[0]!.id}/compare`)
    expect(notComparison.status).toBe(400)
    expect((await notComparison.json()).error.message).toMatch(/is not a comparison/)
  })

  it('shows each agent side by side: status, time, tokens, cost, diff size and check result', async () => {
    await t.api(`/api/projects/${projectId}`, {
      method: 'PATCH',
      json: { settings: { checkCommand: 'npm test' } },
    })
    const created = await compare({ agents: ['builtin', 'codex'] })
    const [builtin, codex] = created.children.map((child) => child.id) as [string, string]
    await act(builtin, 'start_run')
    // Its workspace with two new lines in one file (asking for its diff makes the worktree).
    await t.api(`/api/tasks/${builtin}/diff`)
    writeFileSync(join((await get(builtin)).workspace.path, 'dark.css'), 'body {}\nhtml {}\n')
    // Two runs (a follow-up): 10 s, then 5 s an hour later.
    const [thread] = await t.store.threads.list(builtin)
    const usage = {
      inputTokens: 1000,
      outputTokens: 100,
      cachedTokens: 400,
      cacheWriteTokens: 0,
      reasoningTokens: 20,
    }
    for (const [start, end] of [
      ['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:10.000Z'],
      ['2026-01-01T11:00:00.000Z', '2026-01-01T11:00:05.000Z'],
    ] as const) {
      const run = await t.store.runs.create({ taskId: builtin, threadId: thread!.id, agent: 'builtin' })
      await t.store.runs.update(run.id, { status: 'succeeded', startedAt: start, endedAt: end })
      await t.store.runs.addUsage(run.id, usage, 0.01)
    }
    await t.store.events.append(builtin, [
      {
        type: 'check.finished',
        data: { command: 'npm test', exitCode: 1, timedOut: false, durationMs: 1200, output: '1 failing' },
      },
    ])
    await act(builtin, 'finish_with_changes')

    const response = await t.api(`/api/tasks/${created.id}/compare`)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.comparison).toMatchObject({ id: created.id, status: 'running' })
    expect(body.checkCommand).toBe('npm test')
    expect(body.children).toEqual([
      {
        taskId: builtin,
        agent: 'builtin',
        model: null,
        status: 'review',
        statusReason: null,
        branch: created.children[0]!.branch,
        runs: 2,
        startedAt: '2026-01-01T10:00:00.000Z',
        endedAt: '2026-01-01T11:00:05.000Z',
        durationMs: 3_605_000,
        usage: {
          inputTokens: 2000,
          outputTokens: 200,
          cachedTokens: 800,
          cacheWriteTokens: 0,
          reasoningTokens: 40,
        },
        costUsd: 0.02,
        diff: { files: 1, additions: 2, deletions: 0 },
        check: {
          command: 'npm test',
          exitCode: 1,
          timedOut: false,
          durationMs: 1200,
          output: '1 failing',
          at: expect.any(String),
        },
      },
      {
        taskId: codex,
        agent: 'codex',
        model: null,
        status: 'queued',
        statusReason: null,
        branch: created.children[1]!.branch,
        runs: 0,
        startedAt: null,
        endedAt: null,
        durationMs: null,
        usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
        costUsd: 0,
        diff: null,
        check: null,
      },
    ])
  })
})
