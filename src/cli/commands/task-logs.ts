import WebSocket from 'ws'
import { CadreError } from '../../core/errors.ts'
import { type CadreEvent, isStoredEvent, type StoredEvent } from '../../core/events/registry.ts'
import type { StreamMessage, StreamRequest } from '../../server/stream-protocol.ts'
import { type Client, type Connection, errorCodeOf, readJson } from '../client.ts'
import { clock } from '../output.ts'

interface LogOptions {
  id: string
  after: number
  json: boolean
}

const firstLine = (text: string) => text.split('\n', 1)[0]!

/** One line a person reads for a stored event. */
const describeEvent = (event: StoredEvent): string => {
  const head = `#${String(event.seq).padEnd(4)} ${clock(event.at)}  ${event.type.padEnd(20)}`
  switch (event.type) {
    case 'task.created':
      return `${head} ${event.data.title} (${event.data.agent}, ${event.data.status})`
    case 'task.status_changed':
      return `${head} ${event.data.from} → ${event.data.to}${event.data.reason ? ` (${event.data.reason})` : ''}`
    case 'thread.created':
      return `${head} ${event.data.title} ${event.data.threadId}`
    case 'message.user':
      return `${head} ${firstLine(event.data.text)}`
    case 'message.assistant': {
      const calls = event.data.toolCalls.map((call) => call.tool).join(', ')
      return `${head} ${firstLine(event.data.text)}${calls ? ` → ${calls}` : ''}`
    }
    case 'tool.process':
      return `${head} process group ${event.data.processGroup} on ${event.data.host}`
    case 'approval.requested':
      return `${head} ${event.data.tool} waits for approval ${event.data.approvalId}: ${event.data.reason}`
    case 'approval.decided':
      return `${head} ${event.data.approvalId} ${event.data.decision === 'allow' ? 'allowed' : 'denied'}${event.data.remember ? ' from now on' : ''}`
    case 'tool.started':
      return `${head} ${event.data.tool} ${event.data.callId}`
    case 'tool.finished':
      return `${head} ${event.data.tool} ${event.data.isError ? 'failed' : 'done'} in ${event.data.durationMs} ms: ${firstLine(event.data.output)}`
    case 'step.retrying':
      return `${head} step ${event.data.step} attempt ${event.data.attempt} failed (${event.data.reason}); retrying in ${(event.data.delayMs / 1000).toFixed(1)} s`
    case 'step.finished': {
      const { usage, costUsd } = event.data
      const cost = costUsd === null ? 'cost unknown' : `$${costUsd.toFixed(4)}`
      return `${head} step ${event.data.step} ${event.data.model}: ${usage.inputTokens} in, ${usage.outputTokens} out, ${cost}`
    }
  }
}

let midLine = false
const print = (event: CadreEvent, json: boolean) => {
  if (json) return console.log(JSON.stringify(event))
  if (!isStoredEvent(event)) {
    // Live text is written as it streams; tool input and output are summed up by their stored events.
    if (event.type !== 'assistant.delta') return
    process.stdout.write(event.data.text)
    midLine = true
    return
  }
  if (midLine) process.stdout.write('\n')
  midLine = false
  console.log(describeEvent(event))
}

/** Prints every stored event after `after`, page by page. */
export const printTaskLogs = async (client: Client, connection: Connection, options: LogOptions) => {
  let after = options.after
  for (;;) {
    const page = await readJson<{ events: StoredEvent[]; lastSeq: number }>(
      client.api.tasks[':id'].events.$get({ param: { id: options.id }, query: { after: String(after) } }),
      connection.url,
    )
    for (const event of page.events) print(event, options.json)
    if (page.events.length === 0 || page.events.at(-1)!.seq >= page.lastSeq) return
    after = page.events.at(-1)!.seq
  }
}

/**
 * Follows the task live over the WebSocket stream, reconnecting after a drop from the last seq
 * it printed, until interrupted.
 */
export const followTaskLogs = async (connection: Connection, options: LogOptions) => {
  let after = options.after
  const streamUrl = `${connection.url.replace(/^http/, 'ws')}/api/stream`
  const headers = connection.token ? { authorization: `Bearer ${connection.token}` } : undefined
  let everConnected = false
  let socket: WebSocket | undefined
  process.once('SIGINT', () => {
    socket?.close()
    process.exit(0)
  })
  for (let attempt = 0; ; attempt++) {
    const ended = await new Promise<{ retry: boolean; error?: CadreError }>((resolve) => {
      const current = new WebSocket(streamUrl, { headers })
      socket = current
      current.on('open', () => {
        everConnected = true
        attempt = 0
        const request: StreamRequest = { op: 'subscribe', taskId: options.id, after }
        current.send(JSON.stringify(request))
      })
      current.on('message', (data) => {
        let message: StreamMessage
        try {
          message = JSON.parse(data.toString()) as StreamMessage
        } catch {
          current.close()
          return resolve({
            retry: false,
            error: new CadreError('internal', 'the server sent a message that is not JSON'),
          })
        }
        if (message.kind === 'error') {
          current.close()
          const code = errorCodeOf(message.error.code, 400)
          resolve({ retry: false, error: new CadreError(code, message.error.message) })
        } else if (message.kind === 'event') {
          if ('seq' in message.event) after = message.event.seq
          print(message.event, options.json)
        }
      })
      current.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0
        resolve({
          retry: false,
          error: new CadreError(
            status === 401 ? 'unauthorized' : 'forbidden',
            `the stream refused the connection (${status})`,
          ),
        })
      })
      current.on('error', () => {})
      // After a drop the server may be restarting: keep trying for about half a minute.
      current.on('close', () => resolve({ retry: everConnected ? attempt < 10 : attempt < 1 }))
    })
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
