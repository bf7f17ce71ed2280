import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import { connectStream } from '../../test/support/stream-client.ts'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'

describe('the WebSocket event stream', () => {
  let t: TestServer
  let projectId: string
  const createTask = async (prompt: string) =>
    (await (await t.api('/api/tasks', { method: 'POST', json: { projectId, prompt } })).json()).id as string
  beforeEach(async () => {
    t = await startTestServer()
    projectId = await t.addProject()
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  it('replays a task after a seq, then delivers live and live-only events', async () => {
    const taskId = await createTask('first')
    const stream = await connectStream(t.url, t.token)
    stream.send({ op: 'subscribe', taskId, after: 1 })
    await stream.until(() => stream.stored().length === 2)
    await t.publishDelta(taskId, 'hi')
    await t.api(`/api/tasks/${taskId}/cancel`, { method: 'POST' })
    await stream.until(() => stream.stored().length === 3)
    expect(stream.events().map((e) => e.type)).toEqual([
      'thread.created',
      'message.user',
      'assistant.delta',
      'task.status_changed',
    ])
    expect(stream.messages[0]).toEqual({ kind: 'subscribed', taskId, cursors: { [taskId]: 1 } })
    await stream.close()
  })

  it('for a project, delivers events of named tasks after their cursors and of other tasks from now on', async () => {
    const old = await createTask('old')
    const named = await createTask('named')
    const stream = await connectStream(t.url, t.token)
    const elsewhere = await t.addProject()
    const foreign = (
      await (
        await t.api('/api/tasks', { method: 'POST', json: { projectId: elsewhere, prompt: 'f' } })
      ).json()
    ).id
    stream.send({ op: 'subscribe', projectId, cursors: { [named]: 2, [foreign]: 0 } })
    await stream.until(() => stream.stored().length === 1)
    const fresh = await createTask('created after subscribing')
    await t.api(`/api/tasks/${old}/cancel`, { method: 'POST' })
    await stream.until(() => stream.stored().length === 5)
    expect(stream.stored().map((e) => [e.taskId, e.seq])).toEqual([
      [named, 3],
      [fresh, 1],
      [fresh, 2],
      [fresh, 3],
      [old, 4],
    ])
    await stream.close()
  })

  it('stops delivering after unsubscribe', async () => {
    const taskId = await createTask('x')
    const stream = await connectStream(t.url, t.token)
    stream.send({ op: 'subscribe', taskId, after: 3 })
    await stream.until((messages) => messages.length === 1)
    stream.send({ op: 'unsubscribe', taskId })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await t.api(`/api/tasks/${taskId}/cancel`, { method: 'POST' })
    stream.send({ op: 'subscribe', projectId: 'prj_ping' })
    await stream.until((messages) => messages.length === 2)
    expect(stream.stored()).toEqual([])
    await stream.close()
  })

  it('answers bad requests with an error message and keeps the connection open', async () => {
    const taskId = await createTask('x')
    const stream = await connectStream(t.url, t.token)
    stream.socket.send('not json')
    stream.send({ op: 'subscribe' })
    stream.send({ op: 'subscribe', taskId: 'tsk_missing' })
    stream.send({ op: 'subscribe', taskId, after: -4 })
    stream.send({ op: 'subscribe', taskId, projectId })
    await stream.until((messages) => messages.length === 5)
    // Replies come as each request is handled, so their order is not fixed.
    const errors = stream.messages.map((m) => (m.kind === 'error' ? m.error.message : m.kind)).sort()
    expect(errors).toEqual([
      'each message must be one JSON object',
      expect.stringMatching(/^message\.after: Too small/),
      expect.stringMatching(/^message/),
      expect.stringMatching(/^message/),
      'task "tsk_missing" does not exist',
    ])
    stream.send({ op: 'subscribe', taskId })
    await stream.until(() => stream.stored().length === 3)
    stream.send({ op: 'subscribe', taskId })
    await stream.until((messages) => messages.length === 10)
    expect(stream.messages.at(-1)).toMatchObject({ kind: 'error', error: { code: 'conflict' } })
    await stream.close()
  })

  it('closes a connection that sends a frame over the limit or text that is not UTF-8, and lives on (regression: either crashed the server)', async () => {
    const closeCode = async (send: (socket: WebSocket) => void) => {
      const stream = await connectStream(t.url, t.token)
      send(stream.socket)
      return stream.closed
    }
    expect(await closeCode((socket) => socket.send('x'.repeat(64 * 1024 + 1)))).toBe(1009)
    expect(await closeCode((socket) => socket.send(Buffer.from([0xc3, 0x28]), { binary: false }))).toBe(1007)
    const stream = await connectStream(t.url, t.token)
    stream.send({ op: 'subscribe', taskId: await createTask('still here') })
    await stream.until(() => stream.stored().length === 2)
    await stream.close()
  })

  it('closes a client that stops reading once 16 MiB wait for it, instead of buffering without end', async () => {
    const taskId = await createTask('x')
    const stream = await connectStream(t.url, t.token)
    stream.send({ op: 'subscribe', taskId, after: 3 })
    await stream.until((messages) => messages.length === 1)
    // The client stops reading from its socket; the server's send buffer is all that can grow.
    const socket = (stream.socket as unknown as { _socket: import('node:net').Socket })._socket
    socket.pause()
    const chunk = 'x'.repeat(10_000)
    for (let i = 0; i < 3000; i++) await t.publishDelta(taskId, chunk)
    socket.resume()
    expect(await stream.closed).toBe(1006)
    const received = stream.events().length
    expect(received).toBeGreaterThan(0)
    expect(received).toBeLessThan(3000)
  })

  it('opens one feed for a subscription asked for twice at once, and none for one cancelled before its ack', async () => {
    const taskId = await createTask('x')
    const other = await createTask('y')
    const stream = await connectStream(t.url, t.token)
    stream.send({ op: 'subscribe', taskId, after: 3 })
    stream.send({ op: 'subscribe', taskId, after: 3 })
    stream.send({ op: 'subscribe', taskId: other, after: 3 })
    stream.send({ op: 'unsubscribe', taskId: other })
    await stream.until((messages) => messages.length === 2)
    await t.api(`/api/tasks/${taskId}/cancel`, { method: 'POST' })
    await t.api(`/api/tasks/${other}/cancel`, { method: 'POST' })
    await stream.until(() => stream.stored().length === 1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(stream.messages.map((m) => m.kind).sort()).toEqual(['error', 'event', 'subscribed'])
    expect(stream.stored().map((e) => [e.taskId, e.seq])).toEqual([[taskId, 4]])
    await stream.close()
  })

  it('tells a project subscriber where delivery starts for every task', async () => {
    const before = await createTask('before')
    const stream = await connectStream(t.url, t.token)
    stream.send({ op: 'subscribe', projectId })
    await stream.until((messages) => messages.length === 1)
    expect(stream.messages[0]).toEqual({ kind: 'subscribed', projectId, cursors: { [before]: 3 } })
    await stream.close()
  })

  it('closes streams with "going away" when the server shuts down', async () => {
    const stream = await connectStream(t.url, t.token)
    await t.server.close()
    expect(await stream.closed).toBe(1001)
  })
})
