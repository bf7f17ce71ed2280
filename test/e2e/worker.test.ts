import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { readServerUrl, spawnCli, waitFor } from '../support/cli.ts'
import { createGitRepo, type TestResponse } from '../support/test-server.ts'

const scenario: ScenarioInput = {
  name: 'worker',
  rules: [
    { when: { lastUserMessage: { contains: 'just answer' } }, reply: [{ text: 'Nothing to change.' }] },
    { when: { lastUserMessage: { contains: 'also' } }, reply: [{ text: 'Also done, as you asked.' }] },
    {
      when: { lastUserMessage: { contains: 'take your time' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 1' } } }],
    },
    {
      when: { lastUserMessage: { contains: 'sleep' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 30' } } }],
    },
    {
      when: { toolResult: 'none' },
      reply: [
        { text: 'Writing it.' },
        { toolCall: { tool: 'write_file', input: { path: 'NOTES.md', content: '# Notes\n' } } },
      ],
    },
    {
      when: { lastToolResult: { contains: 'wrote NOTES.md' } },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'git status --short' } } }],
    },
    { reply: [{ text: 'Added NOTES.md and checked git status.' }] },
  ],
}

describe('cadre serve runs queued tasks with the built-in agent', () => {
  const home = mkdtempSync(join(tmpdir(), 'cadre-worker-'))
  let sim: Awaited<ReturnType<typeof startSimulator>>
  let server: ReturnType<typeof spawnCli>
  let api: (path: string, body?: unknown) => Promise<TestResponse>
  let projectId: string
  let repo: string

  beforeAll(async () => {
    sim = await startSimulator({ scenarios: [scenario] })
    server = spawnCli(['serve'], {
      CADRE_HOME: home,
      CADRE_PORT: '0',
      CADRE_TOKEN: '',
      ANTHROPIC_BASE_URL: sim.url,
      ANTHROPIC_API_KEY: 'sk-ant-sim-0123456789abcdef',
    })
    const url = await waitFor(() => readServerUrl(home), 'the server to start')
    const token = readFileSync(join(home, 'token'), 'utf8').trim()
    api = (path, body) =>
      fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    repo = createGitRepo()
    projectId = (await (await api('/api/projects', { path: repo })).json()).id
  })
  afterAll(async () => {
    server.child.kill('SIGKILL')
    await sim.close()
  })

  const create = async (
    prompt: string,
    model: string | null = 'anthropic:claude-sonnet-4-5',
    project = projectId,
  ) =>
    (await (await api('/api/tasks', { projectId: project, prompt, ...(model && { model }) })).json())
      .id as string
  const settled = (id: string, statuses: string[]) =>
    waitFor(
      async () => {
        const task = await (await api(`/api/tasks/${id}`)).json()
        return statuses.includes(task.status) ? task : undefined
      },
      `task ${id} to be ${statuses.join(' or ')}`,
    )

  it('runs a task to review when it changed the workspace, recording every step and its cost', async () => {
    const id = await create('Add a NOTES.md file')
    const task = await settled(id, ['review', 'failed'])
    expect(task).toMatchObject({ status: 'review' })
    expect(readFileSync(join(repo, 'NOTES.md'), 'utf8')).toBe('# Notes\n')
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    const types = events.map((e: { type: string }) => e.type)
    expect(types.slice(0, 4)).toEqual([
      'task.created',
      'thread.created',
      'message.user',
      'task.status_changed',
    ])
    expect(types.filter((t: string) => t === 'tool.finished')).toHaveLength(2)
    expect(events.at(-1)).toMatchObject({
      type: 'task.status_changed',
      data: { from: 'running', to: 'review', action: 'finish_with_changes' },
    })
    expect(task.runs).toEqual([
      expect.objectContaining({ status: 'succeeded', outcome: 'finished with changes' }),
    ])
    expect(task.runs[0].usage.inputTokens).toBeGreaterThan(0)
    expect(task.runs[0].costUsd).toBeGreaterThan(0)
  })

  it('finishes a task as done when nothing changed, and fails one with no model, saying why', async () => {
    const clean = (await (await api('/api/projects', { path: createGitRepo('clean') })).json()).id
    const answered = await settled(await create('just answer: what is this repo?', undefined, clean), [
      'done',
      'review',
      'failed',
    ])
    expect(answered).toMatchObject({
      status: 'done',
      runs: [expect.objectContaining({ outcome: 'finished' })],
    })

    const unmodelled = await settled(await create('no model here', null), ['failed'])
    expect(unmodelled.runs[0]).toMatchObject({
      status: 'failed',
      outcome: expect.stringMatching(/^no model chosen/),
    })
    const { events } = await (await api(`/api/tasks/${unmodelled.id}/events`)).json()
    expect(events.at(-1).data).toMatchObject({
      to: 'failed',
      reason: expect.stringMatching(/^no model chosen/),
    })
  })

  it('cancels a running task promptly, ending its command', async () => {
    const id = await create('sleep for a while')
    await waitFor(async () => {
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      return events.some((e: { type: string }) => e.type === 'tool.started') ? true : undefined
    }, 'the command to start')
    const started = performance.now()
    expect((await api(`/api/tasks/${id}/cancel`, {})).status).toBe(200)
    const task = await waitFor(async () => {
      const current = await (await api(`/api/tasks/${id}`)).json()
      return current.runs[0]?.status === 'cancelled' ? current : undefined
    }, 'the run to end')
    expect(task.status).toBe('cancelled')
    expect(performance.now() - started).toBeLessThan(5000)
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    expect(events.find((e: { type: string }) => e.type === 'tool.finished').data.output).toBe(
      'cancelled; the command and everything it started were stopped',
    )
  })

  it('delivers a message sent mid-run at the next step, in the same run', async () => {
    const clean = (await (await api('/api/projects', { path: createGitRepo('follow-up') })).json()).id
    const id = await create('take your time', 'anthropic:claude-sonnet-4-5', clean)
    await waitFor(async () => {
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      return events.some((e: { type: string }) => e.type === 'tool.started') ? true : undefined
    }, 'the command to start')
    expect((await api(`/api/tasks/${id}/messages`, { text: 'also mention the README' })).status).toBe(201)
    const task = await settled(id, ['done', 'review', 'failed'])
    expect(task).toMatchObject({ status: 'done', runs: [expect.objectContaining({ status: 'succeeded' })] })
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    const tail = events
      .slice(-5)
      .map((e: { type: string; data: { text?: string } }) =>
        e.data.text ? `${e.type}: ${e.data.text}` : e.type,
      )
    expect(tail).toEqual([
      'message.user: also mention the README',
      'tool.finished',
      'message.assistant: Also done, as you asked.',
      'step.finished',
      'task.status_changed',
    ])
  })
})
