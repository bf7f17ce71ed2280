import { type IncomingHttpHeaders, request } from 'node:http'

/** A request exactly as written: no URL normalisation, any Host (or none), any method. */
export interface RawRequest {
  method: string
  /** The request target as sent, e.g. `/api/tasks/%2e%2e?limit=-1`. */
  path: string
  headers?: Record<string, string>
  /** Sent without a Host header when false (an HTTP/1.0 client's request). */
  host?: string | false
  body?: string | Uint8Array
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  /** The body as text. */
  text: string
}

/**
 * Sends one request to a server on 127.0.0.1 with node:http, which (unlike fetch) lets a test
 * choose the Host header and keeps `..` and stray `%` in the path as written. Rejects when the
 * server gives no answer in time or drops the connection.
 */
export const sendRaw = (port: number, raw: RawRequest, timeoutMs = 60_000): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...raw.headers }
    if (typeof raw.host === 'string') headers.host = raw.host
    if (raw.body !== undefined) headers['content-length'] = Buffer.byteLength(raw.body)
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: raw.method,
        path: raw.path,
        headers,
        setHost: raw.host !== false && typeof raw.host !== 'string',
        // A connection per request: a kept-alive one the server has just closed would fail the next.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('close', () => {
          if (!response.complete) reject(new Error('the connection closed before the answer ended'))
        })
        response.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body,
            text: body.toString('utf8'),
          })
        })
      },
    )
    // A deadline for the whole answer, not only for silence: a stream that never ends fails too.
    const deadline = setTimeout(
      () =>
        outgoing.destroy(
          new Error(`no whole answer to ${raw.method} ${raw.path.slice(0, 200)} in ${timeoutMs} ms`),
        ),
      timeoutMs,
    )
    outgoing.on('close', () => clearTimeout(deadline))
    outgoing.on('error', reject)
    outgoing.end(raw.body)
  })
