import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../support/test-server.ts'

const cadreBin = resolve(import.meta.dirname, '../../bin/cadre.cjs')

/** The text a tool answered, parsed when it is JSON. */
const result = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
  const answer = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean
    content: { type: string; text: string }[]
  }
  const text = answer.content[0]?.text ?? ''
  let value: unknown = text
  try {
    value = JSON.parse(text)
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
  return { isError: answer.isError === true, text, value: value as any }
}

describe('Cadre as an MCP server, driven by a real MCP client', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t[Symbol.asyncDispose]())

  /** Every tool, through whichever transport the client speaks. */
  const exercise = async (client: Client) => {
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'create_task',
        'decide_approval',
        'feature_create_bulk',
        'feature_get_for_regression',
        'feature_get_next',
        'feature_get_stats',
        'feature_mark_failing',
        'feature_mark_passing',
        'feature_request_human_input',
        'feature_skip',
        'get_task',
        'list_projects',
        'send_message',
      ].sort(),
    )
    const projectId = await t.addProject()
    await t.api(`/api/projects/${projectId}`, {
      method: 'PATCH',
      json: {
        settings: { checkCommand: 'test -f passing.txt || { echo "passing.txt is missing"; exit 1; }' },
      },
    })
    expect((await result(client, 'list_projects')).value.map((p: { id: string }) => p.id)).toContain(
      projectId,
    )

    const created = await result(client, 'create_task', { projectId, prompt: 'build the sign-in page' })
    expect(created.value).toMatchObject({ projectId, status: 'queued' })
    const taskId = created.value.id
    const task = await result(client, 'get_task', { taskId, events: 2 })
    expect(task.value.task.id).toBe(taskId)
    expect(task.value.events).toHaveLength(2)
    expect((await result(client, 'send_message', { taskId, text: 'use a form' })).isError).toBe(false)
    const noApproval = await result(client, 'decide_approval', {
      taskId,
      approvalId: 'apr_none',
      decision: 'allow',
    })
    expect(noApproval.isError).toBe(true)
    expect(noApproval.text).toMatch(/apr_none/)

    const bulk = await result(client, 'feature_create_bulk', {
      projectId,
      features: [
        { name: 'Sign in', steps: ['$ test -f passing.txt'] },
        { name: 'Sign out', dependsOn: ['Sign in'] },
        { name: 'Profile', dependsOn: ['Sign in'] },
      ],
    })
    const [signIn, signOut, profile] = bulk.value.features
    expect((await result(client, 'feature_get_next', { projectId })).value.id).toBe(signIn.id)

    // Cadre verifies for itself: the check fails in the task's workspace, so the feature does not pass.
    const refused = await result(client, 'feature_mark_passing', { featureId: signIn.id, taskId })
    expect(refused.isError).toBe(true)
    expect(refused.text).toContain('passing.txt is missing')
    expect((await t.store.features.get(signIn.id))?.status).toBe('failing')
    const { workspace } = await (await t.api(`/api/tasks/${taskId}`)).json()
    writeFileSync(join(workspace.path, 'passing.txt'), 'yes\n')
    const passed = await result(client, 'feature_mark_passing', { featureId: signIn.id, taskId })
    expect(passed.value).toMatchObject({ passed: true, feature: { status: 'passing', lastTaskId: taskId } })

    expect((await result(client, 'feature_get_next', { projectId })).value.id).toBe(signOut.id)
    expect(
      (await result(client, 'feature_get_for_regression', { projectId })).value.map(
        (f: { id: string }) => f.id,
      ),
    ).toEqual([signIn.id])
    expect(
      (await result(client, 'feature_mark_failing', { featureId: signOut.id, reason: 'the button is gone' }))
        .value,
    ).toMatchObject({
      status: 'failing',
      note: 'the button is gone',
    })
    expect((await result(client, 'feature_skip', { featureId: profile.id })).value.status).toBe('skipped')
    const asked = await result(client, 'feature_request_human_input', {
      featureId: signOut.id,
      question: 'Where should signing out lead?',
      options: ['home', 'sign-in page'],
    })
    expect(asked.value).toMatchObject({
      status: 'needs_human',
      note: 'Where should signing out lead?\nOptions: home | sign-in page',
    })
    expect((await result(client, 'feature_get_stats', { projectId })).value).toEqual({
      total: 2,
      pending: 0,
      in_progress: 0,
      passing: 1,
      failing: 0,
      skipped: 1,
      needs_human: 1,
      percentage: 50,
    })
    // A cycle is refused with the reason, as the API refuses it.
    const cycle = await result(client, 'feature_create_bulk', {
      projectId,
      features: [
        { name: 'X', dependsOn: ['Y'] },
        { name: 'Y', dependsOn: ['X'] },
      ],
    })
    expect(cycle.isError).toBe(true)
    expect(cycle.text).toMatch(/circle: X → Y → X/)
  }

  it('over stdio (cadre mcp)', async () => {
    const client = new Client({ name: 'test', version: '1' })
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cadreBin, 'mcp'],
        env: { ...process.env, CADRE_URL: t.url, CADRE_TOKEN: t.token } as Record<string, string>,
        stderr: 'pipe',
      }),
    )
    try {
      await exercise(client)
    } finally {
      await client.close()
    }
  }, 60_000)

  it('over Streamable HTTP at /mcp, with the token, and refused without it', async () => {
    const client = new Client({ name: 'test', version: '1' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${t.token}` } },
      }),
    )
    try {
      await exercise(client)
    } finally {
      await client.close()
    }
    // Stateless: a GET (the event stream for a session's server messages) is refused at once, not
    // held open for good (regression: each one stayed open, a server made for it behind it).
    const get = await fetch(`${t.url}/mcp`, {
      headers: { authorization: `Bearer ${t.token}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(5000),
    })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const stranger = new Client({ name: 'stranger', version: '1' })
    await expect(
      stranger.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`))),
    ).rejects.toThrow(/401|token/i)
  }, 60_000)
})
