import WebSocket from 'ws'
import { CadreError } from '../core/errors.ts'
import type { CadreEvent } from '../core/events/registry.ts'
import type { StreamMessage, StreamRequest } from '../server/stream-protocol.ts'
import { type Connection, errorCodeOf } from './client.ts'

/**
 * Delivers a task's events after `after` — stored ones, then live ones as they happen — over the
 * WebSocket stream, reconnecting after a drop from the last seq delivered, until `signal` aborts.
 */
export const streamTaskEvents = async (
  connection: Connection,
  options: { id: string; after: number; signal: AbortSignal },
  onEvent: (event: CadreEvent) => void,
): Promise<void> => {
  let after = options.after
  const streamUrl = `${connection.url.replace(/^http/, 'ws')}/api/stream`
  const headers = connection.token ? { authorization: `Bearer ${connection.token}` } : undefined
  let everConnected = false
  for (let attempt = 0; !options.signal.aborted; attempt++) {
    const ended = await new Promise<{ retry: boolean; error?: CadreError }>((resolve) => {
      const socket = new WebSocket(streamUrl, { headers })
      const stop = () => socket.close()
      options.signal.addEventListener('abort', stop, { once: true })
      socket.on('open', () => {
        everConnected = true
        attempt = 0
        const request: StreamRequest = { op: 'subscribe', taskId: options.id, after }
        socket.send(JSON.stringify(request))
      })
      socket.on('message', (data) => {
        let message: StreamMessage
        try {
          message = JSON.parse(data.toString()) as StreamMessage
        } catch {
          socket.close()
          return resolve({
            retry: false,
            error: new CadreError('internal', 'the server sent a message that is not JSON'),
          })
        }
        if (message.kind === 'error') {
          socket.close()
          resolve({
            retry: false,
            error: new CadreError(errorCodeOf(message.error.code, 400), message.error.message),
          })
        } else if (message.kind === 'event') {
          if ('seq' in message.event) after = message.event.seq
          onEvent(message.event)
        }
      })
      socket.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0
        resolve({
          retry: false,
          error: new CadreError(
            status === 401 ? 'unauthorized' : 'forbidden',
            `the stream refused the connection (${status})`,
          ),
        })
      })
      socket.on('error', () => {})
      // After a drop the server may be restarting: keep trying for about half a minute.
      socket.on('close', () => {
        options.signal.removeEventListener('abort', stop)
        resolve({ retry: everConnected ? attempt < 10 : attempt < 1 })
      })
    })
    if (options.signal.aborted) return
    if (ended.error) throw ended.error
    if (!ended.retry) {
      throw new CadreError(
        'unavailable',
        `no Cadre server answers at ${connection.url}; start one with "cadre serve"`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)))
  }
}
