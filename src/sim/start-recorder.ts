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
import { readBody } from './read-body.ts'
import { type ReceivedChunk, recordChunks, recordRequestBody } from './record-body.ts'
import { requestUrl } from './request-url.ts'
import { protocolOf } from './route-request.ts'
import { sendError } from './send-json.ts'
import type { SimServer } from './sim-server.ts'

export interface RecorderOptions {
  /** The real service (or another simulator), e.g. `https://api.anthropic.com`. */
  upstream: string
  cassettePath: string
  host?: string
  port?: number
  signal?: AbortSignal
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

interface Recording {
  base: URL
  writer: CassetteWriter
  redactor: Redactor
  onError?: (error: Error) => void
}

const proxy = async (
  { base, writer, redactor, onError }: Recording,
  incoming: IncomingMessage,
  response: ServerResponse,
) => {
  const started = Date.now()
  const url = requestUrl(incoming.url)
  const { path, key } = cassettePath(url)
  for (const secret of [...secretHeaderValues(incoming.headers), key]) redactor.add(secret)
  const body = await readBody(incoming)
  const target = new URL(`${base.pathname.replace(/\/+$/, '')}${url.pathname}${url.search}`, base)
  // Asking for an uncompressed body keeps the recording readable and redactable.
  const headers = { ...forwardHeaders(incoming.headers), host: target.host, 'accept-encoding': 'identity' }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const outgoing = send(target, { method: incoming.method, headers })
  const record = (upstream: IncomingMessage, received: ReceivedChunk[], cut: boolean) => {
    const stream = String(upstream.headers['content-type']).includes('text/event-stream')
    const whole = Buffer.concat(received.map((chunk) => chunk.data))
    const text = whole.toString('utf8')
    const exchange: CassetteExchange = {
      request: {
        method: incoming.method ?? 'GET',
        path,
        headers: safeRequestHeadersOf(incoming.headers),
        body: recordRequestBody(body, redactor),
      },
      response: {
        status: upstream.statusCode ?? 502,
        headers: safeResponseHeadersOf(upstream.headers),
        ...(stream
          ? { chunks: recordChunks(received, redactor) }
          : Buffer.from(text, 'utf8').equals(whole)
            ? { body: redactor.redact(text) }
            : { bodyBase64: whole.toString('base64') }),
        ...(cut && { cut: true }),
      },
    }
    writer.append(exchange).catch((error: Error) => onError?.(error))
  }
  outgoing.on('response', (upstream) => {
    const received: ReceivedChunk[] = []
    response.writeHead(upstream.statusCode ?? 502, forwardHeaders(upstream.headers))
    upstream.on('data', (data: Buffer) => {
      received.push({ atMs: Date.now() - started, data })
      response.write(data)
    })
    upstream.on('end', () => {
      response.end()
      record(upstream, received, false)
    })
    upstream.on('error', () => {
      // The service dropped the stream: pass the drop on, and keep it in the recording.
      response.destroy()
      record(upstream, received, true)
    })
  })
  outgoing.on('error', (error) => {
    const message = `the upstream ${base.origin} could not be reached: ${error.message}`
    if (!response.headersSent)
      sendError(response, errorResponse(protocolOf(url, incoming.headers), 'bad_gateway', message))
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
 * are dropped, and every value seen in them is redacted from everything written.
 */
export const startRecorder = async (options: RecorderOptions): Promise<SimServer> => {
  const base = upstreamUrl(options.upstream)
  const writer = await createCassetteWriter(options.cassettePath)
  const redactor = createRedactor()
  const server = createServer((incoming, response) => {
    response.on('error', () => {})
    proxy({ base, writer, redactor, onError: options.onError }, incoming, response).catch(
      (error: unknown) => {
        const url = requestUrl(incoming.url)
        const message = `the recorder failed: ${(error as Error)?.message ?? String(error)}`
        if (!response.headersSent)
          sendError(response, errorResponse(protocolOf(url, incoming.headers), 'internal', message))
        else response.destroy()
      },
    )
  })
  const listening = await listenHttp(server, options)
  const close = async () => {
    await listening.close()
    await writer.flush()
  }
  return { url: listening.url, close, [Symbol.asyncDispose]: close }
}
