import WebSocket from 'ws'
import type { CadreEvent, StoredEvent } from '../../src/core/events/registry.ts'
import type { StreamMessage, StreamRequest } from '../../src/server/stream-protocol.ts'

/** A WebSocket stream connection for tests: collects what arrives and can wait for conditions. */
export const connectStream = async (url: string, token: string) => {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/stream`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const messages: StreamMessage[] = []
  const waiters = new Set<() => void>()
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()))
    for (const waiter of waiters) waiter()
  })
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)))
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  const close = async () => {
    socket.close()
    await closed
  }
  return {
    socket,
    messages,
    closed,
    events: () => messages.flatMap((m) => (m.kind === 'event' ? [m.event as CadreEvent] : [])),
    stored: () =>
      messages.flatMap((m) => (m.kind === 'event' && 'seq' in m.event ? [m.event as StoredEvent] : [])),
    send: (request: StreamRequest | Record<string, unknown>) => socket.send(JSON.stringify(request)),
    /** Resolves once `condition` holds over the messages received so far. */
    until: (condition: (messages: StreamMessage[]) => boolean, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!condition(messages)) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve()
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out; received ${JSON.stringify(messages.slice(-3))}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      }),
    close,
    [Symbol.asyncDispose]: close,
  }
}
