import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import { createRedactor } from '../secrets/redactor.ts'
import type { Cassette, CassetteExchange } from './cassette.ts'
import { readCassette } from './cassette-file.ts'
import { cassettePath } from './cassette-path.ts'
import { listenHttp } from './listen-http.ts'
import { pause } from './pause.ts'
import { errorResponse } from './protocols/error-response.ts'
import { readBody } from './read-body.ts'
import { recordRequestBody } from './record-body.ts'
import { requestUrl } from './request-url.ts'
import { protocolOf } from './route-request.ts'
import { sendFailure } from './send-failure.ts'
import { sendError } from './send-json.ts'
import type { SimServer } from './sim-server.ts'
import { cutResponse } from './write-stream.ts'

export interface ReplayerOptions {
  cassettePath: string
  host?: string
  port?: number
  /** Keep the recorded delays between chunks; otherwise replay as fast as possible. */
  realtime?: boolean
  signal?: AbortSignal
}

/**
 * The exchange that answers a request: the first unused one with the same method, path and JSON
 * body, else the first unused one with the same method and path.
 */
const findExchange = (cassette: Cassette, used: Set<number>, method: string, path: string, body: unknown) => {
  const candidates = cassette.exchanges.flatMap((exchange, index) =>
    !used.has(index) && exchange.request.method === method && exchange.request.path === path ? [index] : [],
  )
  return (
    candidates.find((index) => isDeepStrictEqual(cassette.exchanges[index]!.request.body, body)) ??
    candidates[0]
  )
}

const play = async (exchange: CassetteExchange['response'], response: ServerResponse, realtime: boolean) => {
  response.writeHead(exchange.status, exchange.headers)
  if (!exchange.chunks) {
    const body =
      exchange.bodyBase64 !== undefined ? Buffer.from(exchange.bodyBase64, 'base64') : (exchange.body ?? '')
    if (!exchange.cut) return response.end(body)
    return cutResponse(response, new Promise((resolve) => response.write(body, () => resolve())))
  }
  response.flushHeaders()
  const started = Date.now()
  const gone = new AbortController()
  response.once('close', () => gone.abort())
  let flushed = Promise.resolve()
  for (const chunk of exchange.chunks) {
    if (realtime) await pause(chunk.atMs - (Date.now() - started), gone.signal)
    if (gone.signal.aborted) return
    const data = 'text' in chunk ? chunk.text : Buffer.from(chunk.base64, 'base64')
    flushed = new Promise((resolve) => response.write(data, () => resolve()))
  }
  if (exchange.cut) return cutResponse(response, flushed)
  response.end()
}

const replay = async (
  cassette: Cassette,
  used: Set<number>,
  realtime: boolean,
  incoming: IncomingMessage,
  response: ServerResponse,
) => {
  const url = requestUrl(incoming.url)
  const method = incoming.method ?? 'GET'
  const { path } = cassettePath(url)
  // Stored bodies were redacted; redact this one the same way (token shapes) so they compare.
  const body = recordRequestBody(await readBody(incoming), createRedactor())
  const index = findExchange(cassette, used, method, path, body)
  if (index === undefined) {
    const total = cassette.exchanges.filter(
      (exchange) => exchange.request.method === method && exchange.request.path === path,
    ).length
    const message = `the cassette has no unused exchange for ${method} ${path} (${total} recorded for it, all used; ${cassette.exchanges.length} in all)`
    return sendError(response, errorResponse(protocolOf(url, incoming.headers), 'not_found', message))
  }
  used.add(index)
  await play(cassette.exchanges[index]!.response, response, realtime)
}

/**
 * Serves a cassette back: each request gets the next matching recorded response, its bytes
 * exactly as recorded (with the recorded pacing under `realtime`).
 */
export const startReplayer = async (options: ReplayerOptions): Promise<SimServer> => {
  const cassette = await readCassette(options.cassettePath)
  const used = new Set<number>()
  const server = createServer((incoming, response) => {
    response.on('error', () => {})
    replay(cassette, used, options.realtime === true, incoming, response).catch((error: unknown) => {
      const protocol = protocolOf(requestUrl(incoming.url), incoming.headers)
      sendFailure(response, protocol, error, 'the replayer failed')
    })
  })
  return listenHttp(server, options)
}
