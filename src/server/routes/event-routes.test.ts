import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'

/** Reads SSE frames from a response until `count` have arrived, then stops reading. */
const readFrames = async (response: Response, count: number) => {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  const frames: Array<{ id?: string; data: { seq?: number; type: string } }> = []
  let buffer = ''
  while (frames.length < count) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    let end = buffer.indexOf('\n\n')
    while (end >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const id = block.match(/^id: (.*)$/m)?.[1]
      const data = block.match(/^data: (.*)$/m)?.[1]
      if (data) frames.push({ ...(id !== undefined && { id }), data: JSON.parse(data) })
      end = buffer.indexOf('\n\n')
    }
  }
  await reader.cancel()
  return frames
}

describe('event routes', () => {
  let t: TestServer
  let taskId: string
  beforeEach(async () => {
    t = await startTestServer()
    const project = { id: await t.addProject() }
    taskId = (
      await (
        await t.api('/api/tasks', { method: 'POST', json: { projectId: project.id, prompt: 'go' } })
      ).json()
    ).id
    for (let i = 0; i < 4; i++) {
      await t.api(`/api/tasks/${taskId}/messages`, { method: 'POST', json: { text: `message ${i}` } })
    }
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  it('pages stored events as JSON by seq', async () => {
    const page = await (await t.api(`/api/tasks/${taskId}/events?after=2&limit=3`)).json()
    expect(page.lastSeq).toBe(7)
    expect(page.events.map((e: { seq: number }) => e.seq)).toEqual([3, 4, 5])
    expect(page.events[1]).toMatchObject({ taskId, type: 'message.user', data: { text: 'message 0' } })
    const end = await (await t.api(`/api/tasks/${taskId}/events?after=7`)).json()
    expect(end).toEqual({ events: [], lastSeq: 7 })
    const bad = await t.api(`/api/tasks/${taskId}/events?after=-1`)
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/query\.after/)
  })

  it('streams SSE: replay after a seq, then live events, with ids only on stored ones', async () => {
    const response = await t.api(`/api/tasks/${taskId}/events?after=5`, {
      headers: { accept: 'text/event-stream' },
    })
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/)
    const framesPromise = readFrames(response as unknown as Response, 5)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await t.publishDelta(taskId, 'Hel')
    await t.api(`/api/tasks/${taskId}/messages`, { method: 'POST', json: { text: 'live one' } })
    await t.api(`/api/tasks/${taskId}/cancel`, { method: 'POST' })
    const frames = await framesPromise
    expect(frames.map((f) => [f.id, f.data.type])).toEqual([
      ['6', 'message.user'],
      ['7', 'message.user'],
      [undefined, 'assistant.delta'],
      ['8', 'message.user'],
      ['9', 'task.status_changed'],
    ])
  })

  it('resumes SSE from Last-Event-ID, and refuses one that is not a seq', async () => {
    const response = await t.api(`/api/tasks/${taskId}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': '6' },
    })
    expect((await readFrames(response as unknown as Response, 1)).map((f) => f.id)).toEqual(['7'])
    const bad = await t.api(`/api/tasks/${taskId}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': 'x' },
    })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/Last-Event-ID must be the seq/)
    const ahead = await t.api(`/api/tasks/${taskId}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': '99' },
    })
    expect(ahead.status).toBe(409)
    expect((await ahead.json()).error.message).toMatch(/seq 99 is past the last event of task .* \(7\)/)
  })
})
