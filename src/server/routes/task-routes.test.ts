import http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startAnsweringServer } from '../../../test/support/answering-server.ts'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'

describe('task routes', () => {
  let t: TestServer
  let projectId: string
  beforeEach(async () => {
    t = await startTestServer()
    projectId = await t.addProject()
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  const create = async (body: Record<string, unknown>) =>
    t.api('/api/tasks', { method: 'POST', json: { projectId, ...body } })
  const events = async (id: string) => (await (await t.api(`/api/tasks/${id}/events`)).json()).events

  it('creates a queued task with its thread and first message, using project defaults', async () => {
    await using provider = await startAnsweringServer(200, { data: [{ id: 'sonnet' }] })
    await t.api('/api/providers/local', { method: 'PUT', json: { baseUrl: provider.url } })
    await t.api(`/api/projects/${projectId}`, {
      method: 'PATCH',
      json: { settings: { defaultModel: 'local:sonnet', defaultMode: 'plan' } },
    })
    const response = await create({ prompt: '  Add a dark mode\n\nto the settings page  ' })
    expect(response.status).toBe(201)
    const task = await response.json()
    expect(task).toMatchObject({
      status: 'queued',
      title: 'Add a dark mode',
      agent: 'builtin',
      model: 'local:sonnet',
      mode: 'plan',
      lastSeq: 3,
    })
    const detail = await (await t.api(`/api/tasks/${task.id}`)).json()
    expect(detail.threads).toHaveLength(1)
    expect(detail.runs).toEqual([])
    expect((await events(task.id)).map((e: { type: string }) => e.type)).toEqual([
      'task.created',
      'thread.created',
      'message.user',
    ])
  })

  it('creates a backlog task with start: false, and queues it on start', async () => {
    const task = await (
      await create({ prompt: 'later', start: false, title: 'Later', agent: 'codex' })
    ).json()
    expect(task).toMatchObject({ status: 'backlog', title: 'Later', agent: 'codex' })
    const started = await t.api(`/api/tasks/${task.id}/start`, { method: 'POST' })
    expect(await started.json()).toMatchObject({ status: 'queued', lastSeq: 4 })
    const again = await t.api(`/api/tasks/${task.id}/start`, { method: 'POST' })
    expect(again.status).toBe(409)
    expect((await again.json()).error).toMatchObject({
      code: 'invalid_transition',
      message: /cannot enqueue a task that is queued/,
    })
  })

  it('refuses plan mode for an agent that cannot plan, saying which can, and stores nothing', async () => {
    const before = (await (await t.api('/api/tasks')).json()).tasks.length
    const refused = await create({ prompt: 'think first', agent: 'gemini', mode: 'plan' })
    expect(refused.status).toBe(400)
    expect((await refused.json()).error.message).toBe(
      'Gemini CLI has no plan mode: choose the mode default or auto, or an agent that plans (builtin, claude-code)',
    )
    expect((await (await t.api('/api/tasks')).json()).tasks).toHaveLength(before)
    expect((await create({ prompt: 'think first', agent: 'claude-code', mode: 'plan' })).status).toBe(201)
  })

  it('lists by project and status, newest first', async () => {
    const a = await (await create({ prompt: 'a' })).json()
    const b = await (await create({ prompt: 'b', start: false })).json()
    const list = async (query: string) =>
      (await (await t.api(`/api/tasks${query}`)).json()).tasks.map((task: { id: string }) => task.id)
    expect(await list('')).toEqual([b.id, a.id])
    expect(await list(`?projectId=${projectId}&status=backlog`)).toEqual([b.id])
    expect(await list('?status=queued,backlog&limit=1')).toEqual([b.id])
    const bad = await t.api('/api/tasks?status=sleeping')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/query\.status: statuses are backlog, queued/)
  })

  it('cancels, then re-queues on a follow-up message, recording each change', async () => {
    const task = await (await create({ prompt: 'work' })).json()
    const cancelled = await t.api(`/api/tasks/${task.id}/cancel`, {
      method: 'POST',
      json: { reason: 'wrong repo' },
    })
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', statusReason: 'wrong repo' })
    expect((await t.api(`/api/tasks/${task.id}/cancel`, { method: 'POST' })).status).toBe(409)
    const sent = await t.api(`/api/tasks/${task.id}/messages`, {
      method: 'POST',
      json: { text: 'try again' },
    })
    expect(sent.status).toBe(201)
    const body = await sent.json()
    expect(body.task).toMatchObject({ status: 'queued', statusReason: null, lastSeq: 6 })
    expect(body.event).toMatchObject({ seq: 5, type: 'message.user', data: { text: 'try again' } })
    const tail = (await events(task.id)).slice(3)
    expect(tail.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([
      ['task.status_changed', { from: 'queued', to: 'cancelled', action: 'cancel', reason: 'wrong repo' }],
      ['message.user', { threadId: body.event.data.threadId, text: 'try again' }],
      ['task.status_changed', { from: 'cancelled', to: 'queued', action: 'follow_up' }],
    ])
  })

  it('keeps a follow-up on a queued task without changing its status', async () => {
    const task = await (await create({ prompt: 'work' })).json()
    const body = await (
      await t.api(`/api/tasks/${task.id}/messages`, { method: 'POST', json: { text: 'also this' } })
    ).json()
    expect(body.task).toMatchObject({ status: 'queued', lastSeq: 4 })
  })

  it('answers client mistakes with 4xx naming the field, never 500', async () => {
    const cases: Array<[string, RequestInit & { json?: unknown }, number, RegExp]> = [
      [
        '/api/tasks',
        { method: 'POST', body: '{"prompt":', headers: { 'content-type': 'application/json' } },
        400,
        /Malformed JSON/,
      ],
      ['/api/tasks', { method: 'POST', json: { projectId, prompt: 42 } }, 400, /body\.prompt/],
      [
        '/api/tasks',
        { method: 'POST', json: { projectId, prompt: '   ' } },
        400,
        /body\.prompt: the prompt is empty/,
      ],
      ['/api/tasks', { method: 'POST', json: { projectId, prompt: 'x', mode: 'yolo' } }, 400, /body\.mode/],
      [
        '/api/tasks',
        { method: 'POST', json: { projectId: 'prj_nope', prompt: 'x' } },
        404,
        /project "prj_nope" does not exist/,
      ],
      ['/api/tasks/tsk_nope', {}, 404, /task "tsk_nope"/],
      ['/api/tasks/tsk_nope/messages', { method: 'POST', json: { text: 'x' } }, 404, /task "tsk_nope"/],
      ['/api/tasks/tsk_nope/cancel', { method: 'POST' }, 404, /task "tsk_nope"/],
      ['/api/tasks/tsk_nope/events', {}, 404, /task "tsk_nope"/],
      ['/api/tasks?limit=0', {}, 400, /query\.limit/],
      [
        '/api/tasks',
        { method: 'POST', json: { projectId, prompt: 'x', agent: 'Bad Agent' } },
        400,
        /body\.agent/,
      ],
      [
        '/api/tasks',
        {
          method: 'POST',
          body: 'prompt=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        415,
        /Content-Type: application\/json/,
      ],
      ['/api/stream', {}, 426, /is a WebSocket endpoint/],
      ['/api/nothing-here', {}, 404, /no route GET \/api\/nothing-here/],
    ]
    for (const [path, init, status, message] of cases) {
      const response = await t.api(path, init)
      expect(response.status, path).toBe(status)
      const body = await response.json()
      expect(body.error.message, path).toMatch(message)
      expect(typeof body.error.code).toBe('string')
    }
    const task = await (await create({ prompt: 'x' })).json()
    const wrongThread = await t.api(`/api/tasks/${task.id}/messages`, {
      method: 'POST',
      json: { text: 'x', threadId: 'thr_other' },
    })
    expect(wrongThread.status).toBe(404)
    expect(await events(task.id)).toHaveLength(3)
  })

  it('refuses a body over 1 MiB with 413 before reading it', async () => {
    const body = JSON.stringify({ projectId, prompt: 'x'.repeat(1_100_000) })
    // node:http rather than fetch: fetch treats the server closing the upload early as a network error.
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(`${t.url}/api/tasks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      })
      request.on('response', (response) => {
        let text = ''
        response.on('data', (chunk) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
      })
      request.on('error', reject)
      request.end(body)
    })
    expect(status).toBe(413)
    expect(JSON.parse(text).error).toMatchObject({ code: 'payload_too_large' })
    expect((await (await t.api('/api/tasks')).json()).tasks).toEqual([])
  })
})
