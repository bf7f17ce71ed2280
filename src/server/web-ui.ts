import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { MiddlewareHandler } from 'hono'

/** Where `npm run build:web` (and `npm start`) puts the built UI. */
export const webDist = join(import.meta.dirname, '..', '..', 'web', 'dist')

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cadre</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Cadre</h1>
<p>The web UI is not built: run <code>npm run build:web</code> (or start Cadre with <code>npm start</code>,
which builds it), then reload. The API answers meanwhile under <code>/api</code>.</p>
</body></html>`

/** Whether a path is a page of the UI (everything but the API). */
export const isUiPath = (path: string): boolean =>
  path !== '/api' && !path.startsWith('/api/') && path !== mcpPath && !path.startsWith(`${mcpPath}/`)

/** Where Cadre answers as an MCP server (Streamable HTTP), with the token like the API. */
export const mcpPath = '/mcp'

/**
 * The web UI: its hashed assets served as they are (cached for good), and its page for every other
 * path outside the API, so a link to a task opens the UI at that task. Nothing here is secret: the
 * API behind it asks for the session.
 */
export const webUi = (dist = webDist): MiddlewareHandler => {
  const assets = serveStatic({
    root: dist,
    onFound: (_path, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
  })
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !isUiPath(c.req.path)) return next()
    if (c.req.path.startsWith('/assets/')) return assets(c, next)
    const index = join(dist, 'index.html')
    if (!existsSync(index)) return c.html(notBuilt, 503)
    c.header('cache-control', 'no-cache')
    return c.html(readFileSync(index, 'utf8'), 200)
  }
}
