import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo } from '../support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../support/install-test-agents.ts'
import { startOAuthProbeServer } from '../support/oauth-probe-server.ts'
import { startProbeHttpServer } from '../support/probe-http-server.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

// A real stdio MCP server: one tool, cadre_probe_echo, answering `pong: <text>`.
const probeServer = join(import.meta.dirname, '..', 'fixtures', 'mcp-probe-server.ts')
const probeSecret = 'probe-secret-5f2b9c7e1a'

describe("connectors: an MCP server given to a project's agents", () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let projectId: string
  let probeHttp: Awaited<ReturnType<typeof startProbeHttpServer>>
  beforeAll(async () => {
    probeHttp = await startProbeHttpServer(`Bearer ${probeSecret}`)
    installTestAgents(['claude-code'])
    // Whatever agent the model serves, it calls the probe once offered it, then says it answered.
    const rules = [
      { when: { lastToolResult: { contains: 'pong: ping' } }, reply: [{ text: 'The probe answered.' }] },
      {
        when: { toolOffered: 'cadre_probe_echo' },
        reply: [{ toolCall: { tool: 'cadre_probe_echo', input: { text: 'ping' } } }],
      },
      { reply: [{ text: 'No probe was offered.' }] },
    ]
    served = await serveWithSimulator(
      [
        { name: 'claude-haiku-4-5', rules },
        { name: 'claude-sonnet-4-5', rules },
      ],
      { PATH: `${testAgentsBin}:${process.env.PATH}` },
    )
    projectId = (await (await served.api('/api/projects', { path: createGitRepo() })).json()).id
  }, 180_000)
  afterAll(async () => {
    await served?.close()
    await probeHttp?.close()
  })

  /** A task of the agent on the project; the probe's call in its events, and its last words. */
  const probeCallOf = async (agent: string, model: string) => {
    const task = await (
      await served.api('/api/tasks', { projectId, prompt: 'ask the probe', agent, model })
    ).json()
    expect(await served.settled(task.id, ['review', 'done', 'failed'])).toMatchObject({ status: 'done' })
    const { events } = await (await served.api(`/api/tasks/${task.id}/events`)).json()
    const call = events.find(
      (event: { type: string; data: { tool?: string } }) =>
        event.type === 'tool.finished' && event.data.tool?.includes('cadre_probe_echo'),
    )
    const last = events.filter((event: { type: string }) => event.type === 'message.assistant').at(-1)
    return { call: call?.data, said: last?.data.text }
  }

  it('keeps its secrets sealed, and its check starts it and lists its tools', async () => {
    const made = await served.api('/api/connectors', {
      projectId,
      name: 'probe',
      transport: 'stdio',
      command: process.execPath,
      args: [probeServer],
      env: { PROBE_TOKEN: probeSecret },
    })
    expect(made.status).toBe(201)
    const connector = await made.json()
    expect(connector).toMatchObject({ name: 'probe', envNames: ['PROBE_TOKEN'], enabled: true })
    expect(JSON.stringify(connector)).not.toContain(probeSecret)
    expect(JSON.stringify(await (await served.api('/api/connectors')).json())).not.toContain(probeSecret)
    const check = await (await served.api(`/api/connectors/${connector.id}/check`, {})).json()
    expect(check).toEqual({
      ok: true,
      tools: [{ name: 'cadre_probe_echo', description: 'Answers pong with the text it is given.' }],
    })
    const broken = await (
      await served.api('/api/connectors', {
        name: 'broken',
        transport: 'stdio',
        command: '/nonexistent/server',
      })
    ).json()
    const failed = await (await served.api(`/api/connectors/${broken.id}/check`, {})).json()
    expect(failed).toMatchObject({ ok: false, error: expect.stringContaining('broken') })
    await served.api(`/api/connectors/${broken.id}`, undefined, 'DELETE')
    const refused = await served.api('/api/connectors', { name: 'Bad Name', transport: 'http' })
    expect(refused.status).toBe(400)
  })

  it("offers a stdio connector's tools to the built-in agent, which runs it on Cadre's machine", async () => {
    expect(await probeCallOf('builtin', 'anthropic:claude-haiku-4-5')).toEqual({
      call: expect.objectContaining({ isError: false, output: expect.stringContaining('pong: ping') }),
      said: 'The probe answered.',
    })
  }, 120_000)

  it.each([
    { agent: 'builtin', model: 'anthropic:claude-haiku-4-5' },
    { agent: 'claude-code', model: 'anthropic:claude-sonnet-4-5' },
  ])(
    'offers the same HTTP connector (its header sealed) to the $agent agent, whose call works',
    async ({ agent, model }) => {
      // Only the HTTP one now: a program under /tmp cannot be started from inside a sandbox.
      const { connectors } = await (await served.api('/api/connectors')).json()
      for (const connector of connectors)
        await served.api(
          `/api/connectors/${connector.id}`,
          { enabled: connector.transport === 'http' },
          'PATCH',
        )
      if (!connectors.some((connector: { transport: string }) => connector.transport === 'http')) {
        const made = await served.api('/api/connectors', {
          projectId,
          name: 'probe-http',
          transport: 'http',
          url: probeHttp.url,
          headers: { authorization: `Bearer ${probeSecret}` },
        })
        expect(await made.json()).toMatchObject({ headerNames: ['authorization'] })
      }
      expect(await probeCallOf(agent, model)).toEqual({
        call: expect.objectContaining({ isError: false, output: expect.stringContaining('pong: ping') }),
        said: 'The probe answered.',
      })
    },
    120_000,
  )

  it('signs an HTTP connector in with OAuth, keeps its tokens sealed, refreshes them, and gives its tools to the agent', async () => {
    // Tokens that expire within Cadre's margin: each use refreshes them first.
    await using oauth = await startOAuthProbeServer({ expiresIn: 30 })
    const { connectors } = await (await served.api('/api/connectors')).json()
    for (const connector of connectors)
      await served.api(`/api/connectors/${connector.id}`, { enabled: false }, 'PATCH')
    const made = await (
      await served.api('/api/connectors', {
        projectId,
        name: 'probe-oauth',
        transport: 'http',
        url: oauth.url,
        oauth: true,
      })
    ).json()
    expect(made).toMatchObject({ oauth: { authorized: false } })
    expect(
      (await served.api('/api/connectors', { name: 'bad', transport: 'stdio', command: 'x', oauth: true }))
        .status,
    ).toBe(400)
    const before = await (await served.api(`/api/connectors/${made.id}/check`, {})).json()
    expect(before).toMatchObject({ ok: false, error: expect.stringContaining('not authorized') })

    // Cadre registers itself and answers the link a person opens; the server sends them back.
    const { authorized, authorizationUrl } = await (
      await served.api(`/api/connectors/${made.id}/authorize`, {})
    ).json()
    expect(authorized).toBe(false)
    const allowed = await fetch(authorizationUrl, { redirect: 'manual' })
    const callback = allowed.headers.get('location')!
    expect(callback).toMatch(new RegExp(`^${served.url}/api/connectors/oauth/callback\\?code=`))
    // A made-up state is refused; the real one (no session cookie needed) finishes it.
    const forged = await fetch(callback.replace(/state=[^&]+/, `state=${made.id}.forged`))
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain('not one Cadre started')
    const back = await fetch(callback)
    expect(back.status).toBe(200)
    expect(await back.text()).toContain('Connector probe-oauth is authorized')
    expect(oauth.grants).toEqual(['authorization_code'])

    const listed = JSON.stringify(await (await served.api('/api/connectors')).json())
    expect(listed).toContain('"oauth":{"authorized":true}')
    expect(listed).not.toContain('probe-access')
    expect(listed).not.toContain('probe-refresh')
    const check = await (await served.api(`/api/connectors/${made.id}/check`, {})).json()
    expect(check).toMatchObject({ ok: true, tools: [{ name: 'cadre_probe_echo' }] })
    expect(oauth.grants).toEqual(['authorization_code', 'refresh_token'])

    expect(await probeCallOf('builtin', 'anthropic:claude-haiku-4-5')).toEqual({
      call: expect.objectContaining({ isError: false, output: expect.stringContaining('pong: ping') }),
      said: 'The probe answered.',
    })
    expect(oauth.grants.filter((grant) => grant === 'refresh_token').length).toBeGreaterThanOrEqual(2)
  }, 120_000)
})
