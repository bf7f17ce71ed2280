import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { CadreError } from '../core/errors.ts'
import { createRedactor, type Redactor } from '../secrets/redactor.ts'
import type { CassetteExchange } from './cassette.ts'
import { type CassetteWriter, createCassetteWriter } from './cassette-file.ts'
import { safeRequestHeadersOf, safeResponseHeadersOf, secretHeaderValues } from './cassette-headers.ts'
import { cassettePath } from './cassette-path.ts'
import { listenHttp } from './listen-http.ts'
import { errorResponse } from './protocols/error-response.ts'
import { maxBodyBytes, readBody } from './read-body.ts'
import { type ReceivedChunk, recordRequestBody, recordResponseBody } from './record-body.ts'
import { requestUrl } from './request-url.ts'
import { protocolOf } from './route-request.ts'
import { sendFailure } from './send-failure.ts'
import { sendError } from './send-json.ts'
import type { SimServer } from './sim-server.ts'
import { upstreamTarget } from './upstream-target.ts'

export interface RecorderOptions {
  /** The real service (or another simulator), e.g. `https://api.anthropic.com`. */
  upstream: string
  cassettePath: string
  host?: string
  port?: number
  signal?: AbortSignal
  /** More values to redact from everything written (the CLI passes the environment's secrets). */
  secrets?: Iterable<string>
  /**
   * The largest request body taken (a 413 past it) and the most of a response body recorded
   * (the rest still reaches the client); 64 MiB by default.
   */
  maxBodyBytes?: number
  /** Told when an exchange could not be written; recording carries on. */
  onError?: (error: Error) => void
}

// Connection-level headers belong to one hop; the proxy sets its own.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
])

const forwardHeaders = (headers: IncomingMessage['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)))

const upstreamUrl = (upstream: string): URL => {
  try {
    const url = new URL(upstream)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url
  } catch {}
  throw new CadreError('bad_request', `--upstream must be an http(s) URL, got ${JSON.stringify(upstream)}`)
}

const decodedPassword = (url: URL) => {
  try {
    return decodeURIComponent(url.password)
  } catch {
    return url.password
  }
}

interface Recording {
  base: URL
  writer: CassetteWriter
  redactor: Redactor
  limit: number
  onError?: (error: Error) => void
}

const proxy = async (
  { base, writer, redactor, limit, onError }: Recording,
  incoming: IncomingMessage,
  response: ServerResponse,
) => {
  const started = Date.now()
  const target = upstreamTarget(base, incoming.url)
  const { path, secrets } = cassettePath(requestUrl(incoming.url))
  for (const secret of [...secretHeaderValues(incoming.headers), ...secrets]) redactor.add(secret)
  const body = await readBody(incoming, limit)
  // An uncompressed body keeps the recording readable and redactable; the client's wish is dropped.
  const headers = { ...forwardHeaders(incoming.headers), host: target.host, 'accept-encoding': 'identity' }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const outgoing = send(target, { method: incoming.method, headers })
  const record = (upstream: IncomingMessage, received: ReceivedChunk[], cut: boolean, overflow: boolean) => {
    const stream = String(upstream.headers['content-type']).includes('text/event-stream')
    const recorded = recordResponseBody(received, redactor, stream)
    const status = upstream.statusCode ?? 502
    // Node relays any three digits; a cassette holds only what can be replayed (see cassette.ts).
    const replayable = status >= 100 && status <= 599
    const notes = [
      recorded.note,
      overflow &&
        `the body went past ${limit} bytes, so recording stopped there; the client got all of it, replay drops the connection at that point`,
      !replayable && `the upstream answered with status ${status}, recorded as 502`,
    ].filter(Boolean)
    const exchange: CassetteExchange = {
      request: {
        method: incoming.method ?? 'GET',
        path,
        headers: safeRequestHeadersOf(incoming.headers),
        body: recordRequestBody(body, redactor),
      },
      response: {
        status: replayable ? status : 502,
        headers: safeResponseHeadersOf(upstream.headers),
        ...recorded,
        ...((cut || overflow) && { cut: true }),
        ...(notes.length > 0 && { note: notes.join('; ') }),
      },
    }
    writer.append(exchange).catch((error: Error) => onError?.(error))
  }
  outgoing.on('response', (upstream) => {
    const received: ReceivedChunk[] = []
    let kept = 0
    let overflow = false
    response.writeHead(upstream.statusCode ?? 502, forwardHeaders(upstream.headers))
    upstream.on('data', (data: Buffer) => {
      if (!overflow && kept + data.length <= limit) {
        received.push({ atMs: Date.now() - started, data })
        kept += data.length
      } else overflow = true
      // At the client's pace: a slow client slows the upstream down instead of filling memory.
      if (!response.write(data)) {
        upstream.pause()
        response.once('drain', () => upstream.resume())
      }
    })
    upstream.on('end', () => {
      response.end()
      record(upstream, received, false, overflow)
    })
    upstream.on('error', () => {
      // The service dropped the stream: pass the drop on, and keep it in the recording.
      response.destroy()
      record(upstream, received, true, overflow)
    })
  })
  outgoing.on('error', (error) => {
    const message = `the upstream ${base.origin} could not be reached: ${error.message}`
    if (!response.headersSent)
      sendError(
        response,
        errorResponse(protocolOf(requestUrl(incoming.url), incoming.headers), 'bad_gateway', message),
      )
    else response.destroy()
  })
  response.on('close', () => {
    if (!response.writableFinished) outgoing.destroy()
  })
  outgoing.end(body)
}

/**
 * Starts a recording proxy: every request goes on to `upstream` and its response streams back
 * unchanged while it is written to the cassette. Credentials never reach the file: their headers
 * and query parameters are dropped, and every value seen in them (and every value of `secrets`)
 * is redacted from everything written.
 */
export const startRecorder = async (options: RecorderOptions): Promise<SimServer> => {
  const base = upstreamUrl(options.upstream)
  const writer = await createCassetteWriter(options.cassettePath)
  const redactor = createRedactor(options.secrets)
  // A password in the upstream URL is sent on as basic auth: a credential like any other.
  for (const secret of [base.password, decodedPassword(base)]) redactor.add(secret)
  const recording = {
    base,
    writer,
    redactor,
    limit: options.maxBodyBytes ?? maxBodyBytes,
    onError: options.onError,
  }
  const server = createServer((incoming, response) => {
    response.on('error', () => {})
    proxy(recording, incoming, response).catch((error: unknown) => {
      const protocol = protocolOf(requestUrl(incoming.url), incoming.headers)
      sendFailure(response, protocol, error, 'the recorder failed')
    })
  })
  const listening = await listenHttp(server, options)
  const close = async () => {
    await listening.close()
    await writer.flush()
  }
  return { url: listening.url, close, [Symbol.asyncDispose]: close }
}
