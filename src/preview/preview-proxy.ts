import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { createProxyServer } from 'http-proxy-3'
import {
  errorReporterScript,
  errorsPath,
  type PageErrors,
  PageErrors as PageErrorsSchema,
  reporterPath,
} from './error-reporter.ts'

export interface PreviewProxy {
  /** The preview's own origin, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string
  /** The link that opens it: the origin with the preview's token, traded once for a cookie. */
  readonly link: string
  close(): Promise<void>
}

export interface PreviewProxyOptions {
  /** The dev server, in the workspace. */
  target: string
  /** Opens the preview; kept in an HttpOnly cookie of the preview's own. */
  token: string
  /** Errors the page reported. */
  onErrors(report: PageErrors): void
}

const tokenParameter = 'cadre_preview'
const maxErrorsBody = 256 * 1024

const same = (expected: string, given: string | undefined) =>
  given !== undefined &&
  given.length === expected.length &&
  timingSafeEqual(Buffer.from(expected), Buffer.from(given))

/** The request's cookies, and its Cookie header without ours nor Cadre's session: the dev server never sees either. */
const cookiesOf = (req: IncomingMessage, ours: string) => {
  const pairs = (req.headers.cookie ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
  const values = new Map(
    pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  )
  const forwarded = pairs.filter((pair) => {
    const name = pair.slice(0, pair.indexOf('='))
    return name !== ours && !name.startsWith('cadre_')
  })
  return { token: values.get(ours), forwarded: forwarded.join('; ') }
}

const plain = (res: ServerResponse, status: number, text: string) => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
  res.end(`${text}\n`)
}

/** The reporter first in the page's head, before any script of the page can throw. */
const injectReporter = (html: string) => {
  const tag = `<script src="${reporterPath}"></script>`
  const head = /<head[^>]*>/i.exec(html)
  return head
    ? html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length)
    : tag + html
}

const readBody = async (req: IncomingMessage, limit: number): Promise<string | undefined> => {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * A task's preview on an origin of its own (its own port on 127.0.0.1, never Cadre's), so code the
 * agent wrote can never call Cadre's API as the user. It opens only with the preview's token (the
 * link trades it for a cookie of this origin), proxies HTTP and WebSocket to the dev server (hot
 * reload works), keeps Cadre's cookies from the dev server, and injects into every HTML page a
 * small script that reports the page's errors back here.
 */
export const startPreviewProxy = async (options: PreviewProxyOptions): Promise<PreviewProxy> => {
  const proxy = createProxyServer({ target: options.target, ws: true, selfHandleResponse: true })
  let cookieName = 'cadre_preview'
  const admitted = (req: IncomingMessage) => {
    const { token, forwarded } = cookiesOf(req, cookieName)
    if (!same(options.token, token)) return false
    if (forwarded) req.headers.cookie = forwarded
    else delete req.headers.cookie
    return true
  }

  proxy.on('proxyRes', (upstream, _req, res) => {
    const type = String(upstream.headers['content-type'] ?? '')
    if (!type.includes('text/html')) {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers)
      upstream.pipe(res)
      return
    }
    const chunks: Buffer[] = []
    upstream.on('data', (chunk: Buffer) => chunks.push(chunk))
    upstream.on('end', () => {
      const body = Buffer.from(injectReporter(Buffer.concat(chunks).toString('utf8')))
      const headers = { ...upstream.headers, 'content-length': String(body.length) }
      delete headers['transfer-encoding']
      res.writeHead(upstream.statusCode ?? 200, headers)
      res.end(body)
    })
  })
  proxy.on('error', (error, _req, res) => {
    if ('writeHead' in res && !res.headersSent) {
      plain(res as ServerResponse, 502, `the dev server does not answer: ${(error as Error).message}`)
    } else (res as Duplex).destroy()
  })

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://preview')
    const given = url.searchParams.get(tokenParameter)
    if (given !== null) {
      if (!same(options.token, given)) return plain(res, 403, 'this preview link is not valid (any more)')
      url.searchParams.delete(tokenParameter)
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${cookieName}=${options.token}; HttpOnly; SameSite=Lax; Path=/`,
        'cache-control': 'no-store',
      })
      return res.end()
    }
    if (!admitted(req)) return plain(res, 401, 'open this preview from Cadre: it needs its link')
    if (url.pathname === reporterPath) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
      return res.end(errorReporterScript)
    }
    if (url.pathname === errorsPath) {
      if (req.method !== 'POST') return plain(res, 405, `${errorsPath} takes POST`)
      const body = await readBody(req, maxErrorsBody)
      if (body === undefined) return plain(res, 413, 'too many errors at once')
      let parsed: ReturnType<typeof PageErrorsSchema.safeParse>
      try {
        parsed = PageErrorsSchema.safeParse(JSON.parse(body))
      } catch {
        return plain(res, 400, 'the error report is not JSON')
      }
      if (!parsed.success)
        return plain(res, 400, `the error report is not valid: ${parsed.error.issues[0]?.message}`)
      options.onErrors(parsed.data)
      res.writeHead(204)
      return res.end()
    }
    // Uncompressed from the dev server, so that HTML pages can have the reporter put in.
    delete req.headers['accept-encoding']
    proxy.web(req, res)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) plain(res, 500, `the preview failed: ${error.message}`)
      else res.destroy()
    })
  })
  // Upgraded sockets are no longer the HTTP server's to close: they are ended by `close` here.
  const upgraded = new Set<Duplex>()
  server.on('upgrade', (req, socket, head) => {
    // Hot reload's socket: the page's own, with its cookie.
    if (!admitted(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n')
      return
    }
    upgraded.add(socket)
    socket.on('close', () => upgraded.delete(socket))
    proxy.ws(req, socket, head)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  // Cookies are shared by every port of a host: this one is named after its port.
  cookieName = `cadre_preview_${port}`
  const origin = `http://127.0.0.1:${port}`
  return {
    origin,
    link: `${origin}/?${tokenParameter}=${options.token}`,
    async close() {
      // A page still open (its hot-reload socket) would keep the server from ever closing.
      for (const socket of upgraded) socket.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      proxy.close?.()
    },
  }
}
