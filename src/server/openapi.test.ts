import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'
import { createApp } from './create-app.ts'

type OpenApiDocument = { paths: Record<string, Record<string, unknown>> }

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}')

describe('the OpenAPI document', () => {
  let t: TestServer
  let document: OpenApiDocument
  beforeEach(async () => {
    t = await startTestServer()
    document = (await (await t.api('/api/openapi.json')).json()) as OpenApiDocument
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  const documented = () =>
    Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    )

  it('documents every route the server really serves', () => {
    // The app's own route table, as Hono dispatches it (middleware excluded).
    const app = createApp({} as never)
    const served = app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${toOpenApiPath(route.path)}`)
    const missing = [...new Set(served)].filter((route) => !documented().includes(route))
    expect(missing).toEqual([])
    expect(documented()).toContain('GET /api/stream')
  })

  it('has every documented route answer (no route is only on paper)', async () => {
    const project = { id: await t.addProject() }
    const task = await (
      await t.api('/api/tasks', { method: 'POST', json: { projectId: project.id, prompt: 'x' } })
    ).json()
    for (const route of documented()) {
      const [method, template] = route.split(' ') as [string, string]
      const path = template
        .replace('{id}', template.startsWith('/api/projects') ? project.id : task.id)
        .replace('{name}', 'ollama')
      if (path === '/api/stream') {
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}${path}`, {
          headers: { authorization: `Bearer ${t.token}` },
        })
        await new Promise((resolve, reject) => socket.on('open', resolve).on('error', reject))
        socket.close()
        continue
      }
      const body = method === 'GET' || method === 'DELETE' ? undefined : {}
      const response = await t.api(path, { method, ...(body && { json: body }), redirect: 'manual' })
      const answer = response.status === 404 ? await response.json() : undefined
      expect(answer?.error?.message ?? '', route).not.toMatch(/^no route/)
      expect(response.status, route).toBeLessThan(500)
      if (!response.bodyUsed) await response.body?.cancel()
    }
  })
})
