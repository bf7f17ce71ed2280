import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import { pause } from './pause.ts'
import type { StreamFrame } from './protocols/stream-frame.ts'
import type { SimPace } from './sim-reply.ts'

/** An AbortSignal that fires when the client goes away, to stop pacing for nobody. */
const closedSignal = (response: ServerResponse) => {
  const closed = new AbortController()
  response.once('close', () => closed.abort())
  return closed.signal
}

const write = (response: ServerResponse, data: string) =>
  new Promise<void>((resolve) => {
    response.write(data, () => resolve())
  })

/**
 * Ends a response the way a dropped connection does: once what was written has reached the
 * socket, destroy it, so the client sees a body that stops with no terminal event.
 */
export const cutResponse = async (response: ServerResponse, flushed: Promise<void>): Promise<void> => {
  await flushed
  response.socket?.destroy()
  response.destroy()
}

/** A JSON body that stops half way, as when a connection drops during a non-streaming reply. */
export const sendCutJson = (response: ServerResponse, body: unknown, headers: Record<string, string>) => {
  const text = JSON.stringify(body)
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  return cutResponse(response, write(response, text.slice(0, text.length >> 1)))
}

/**
 * Streams frames as server-sent events, paced: `tokensPerSecond` spreads the frames by their token
 * estimate. A cut reply ends by destroying the socket instead of ending the body.
 */
export const writeStream = async (
  response: ServerResponse,
  frames: StreamFrame[],
  options: { pace: SimPace; cut: boolean; headers: Record<string, string> },
): Promise<void> => {
  const closed = closedSignal(response)
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...options.headers,
  })
  response.flushHeaders()
  let flushed: Promise<void> = Promise.resolve()
  const { tokensPerSecond } = options.pace
  for (const frame of frames) {
    if (tokensPerSecond > 0 && frame.tokens > 0) await pause((frame.tokens / tokensPerSecond) * 1000, closed)
    if (closed.aborted) return
    flushed = write(response, frame.data)
    if (response.writableNeedDrain) await Promise.race([once(response, 'drain'), once(response, 'close')])
  }
  if (options.cut) return cutResponse(response, flushed)
  response.end()
}
