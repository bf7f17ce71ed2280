import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'
import { signatureHeader, verifySignature } from './webhook-deliveries.ts'

interface Received {
  headers: Record<string, string | string[] | undefined>
  body: string
  signed: boolean
}

describe('webhooks', () => {
  let t: TestServer
  let receiver: Server
  let receiverUrl: string
  const received: Received[] = []
  let secret = ''
  let failuresLeft = 0
  beforeAll(async () => {
    t = await startTestServer()
    // A receiver that checks every signature, and fails as often as it is told to.
    receiver = createServer(async (req, res) => {
      let body = ''
      for await (const chunk of req) body += chunk
      received.push({
        headers: req.headers,
        body,
        signed: verifySignature(secret, req.headers[signatureHeader] as string, body),
      })
      res.statusCode = failuresLeft-- > 0 ? 500 : 200
      res.end()
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  })
  afterAll(async () => {
    await t[Symbol.asyncDispose]()
    receiver.close()
  })

  /** A task of the project finishing, as the scheduler publishes it. */
  const finish = async (projectId: string, reason: string) => {
    const task = await (
      await t.api('/api/tasks', { method: 'POST', json: { projectId, prompt: 'work' } })
    ).json()
    t.bus.publish({
      type: 'task.status_changed',
      taskId: task.id,
      projectId,
      seq: 99,
      at: new Date().toISOString(),
      data: { from: 'running', to: 'review', action: 'finish_with_changes', reason },
    })
    return task.id as string
  }

  it('signs each delivery, retries after failures with backoff, and records every attempt', async () => {
    const projectId = await t.addProject()
    const made = await t.api('/api/webhooks', {
      method: 'POST',
      json: { url: receiverUrl, events: ['task.finished'], projectId },
    })
    expect(made.status).toBe(201)
    const { webhook, secret: given } = await made.json()
    secret = given
    expect(secret).toMatch(/^whsec_/)
    expect(webhook).toMatchObject({ projectId, events: ['task.finished'], enabled: true })
    expect(JSON.stringify(webhook)).not.toContain(secret)
    // The secret is stored sealed, and never shown again.
    expect(JSON.stringify(await t.store.webhooks.get(webhook.id))).not.toContain(secret)
    expect(JSON.stringify(await (await t.api('/api/webhooks')).json())).not.toContain(secret)

    failuresLeft = 2
    // A secret in what happened never leaves Cadre in a payload.
    const taskId = await finish(projectId, `done, with ${t.token} in the log`)
    await expect
      .poll(() => received.filter((r) => r.body.includes(taskId)).length, { timeout: 10_000 })
      .toBe(3)
    const attempts = received.filter((r) => r.body.includes(taskId))
    expect(attempts.every((attempt) => attempt.signed)).toBe(true)
    const payload = JSON.parse(attempts[2]!.body)
    expect(payload).toMatchObject({
      event: 'task.finished',
      task: { id: taskId },
      project: { id: projectId },
    })
    expect(attempts[2]!.headers['cadre-event']).toBe('task.finished')
    expect(attempts[2]!.headers['cadre-delivery']).toBe(payload.id)
    expect(attempts[2]!.body).not.toContain(t.token)
    expect(attempts[2]!.body).toContain('[redacted]')
    // The same body each time; a body changed on the way would not verify.
    expect(new Set(attempts.map((attempt) => attempt.body)).size).toBe(1)
    expect(
      verifySignature(secret, attempts[2]!.headers[signatureHeader] as string, `${attempts[2]!.body} `),
    ).toBe(false)
    expect(
      verifySignature('whsec_wrong', attempts[2]!.headers[signatureHeader] as string, attempts[2]!.body),
    ).toBe(false)

    await expect
      .poll(
        async () =>
          (await (await t.api(`/api/webhooks/${webhook.id}/deliveries`)).json()).deliveries[0]?.status,
        {
          timeout: 5000,
        },
      )
      .toBe('delivered')
    const [delivery] = (await (await t.api(`/api/webhooks/${webhook.id}/deliveries`)).json()).deliveries
    expect(delivery).toMatchObject({ id: payload.id, attempts: 3, responseStatus: 200, error: null })
    expect(delivery.durationMs).toBeGreaterThanOrEqual(0)

    // Sent again on request: the receiver sees the same delivery once more.
    const resent = await t.api(`/api/webhooks/${webhook.id}/deliveries/${delivery.id}/resend`, {
      method: 'POST',
    })
    expect(resent.status).toBe(200)
    await expect
      .poll(() => received.filter((r) => r.body.includes(taskId)).length, { timeout: 10_000 })
      .toBe(4)
  })

  it('goes only where it is asked for: the project, the events, while enabled', async () => {
    const projectId = await t.addProject()
    const otherProject = await t.addProject()
    const { webhook } = await (
      await t.api('/api/webhooks', {
        method: 'POST',
        json: { url: receiverUrl, events: ['task.needs_input'], projectId },
      })
    ).json()
    await finish(projectId, 'finished: not asked for')
    await finish(otherProject, 'another project')
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await t.store.webhooks.deliveries(webhook.id)).toEqual([])
    expect(
      (await t.api(`/api/webhooks/${webhook.id}`, { method: 'PATCH', json: { enabled: false } })).status,
    ).toBe(200)
    expect((await t.api(`/api/webhooks/${webhook.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await t.api(`/api/webhooks/${webhook.id}/deliveries`)).status).toBe(404)
  })

  it("tells of a feature passing and failing, from the project's feature list", async () => {
    const projectId = await t.addProject()
    const { webhook } = await (
      await t.api('/api/webhooks', {
        method: 'POST',
        json: { url: receiverUrl, events: ['feature.passing', 'feature.failing'], projectId },
      })
    ).json()
    failuresLeft = 0
    const { features } = await (
      await t.api(`/api/projects/${projectId}/features`, {
        method: 'POST',
        json: { features: [{ name: 'Sign in' }] },
      })
    ).json()
    await t.api(`/api/features/${features[0].id}`, {
      method: 'PATCH',
      json: { status: 'failing', note: 'no form' },
    })
    await t.api(`/api/features/${features[0].id}`, { method: 'PATCH', json: { status: 'passing' } })
    await expect
      .poll(
        async () =>
          (await t.store.webhooks.deliveries(webhook.id)).map((d) => `${d.event} ${d.status}`).sort(),
        {
          timeout: 10_000,
        },
      )
      .toEqual(['feature.failing delivered', 'feature.passing delivered'])
    const failing = received.find((r) => r.body.includes('feature.failing'))!
    expect(JSON.parse(failing.body)).toMatchObject({
      event: 'feature.failing',
      data: { feature: { name: 'Sign in', note: 'no form' } },
    })
  })

  it('refuses a bad URL (one with credentials among them), an unknown event or project, with the reason', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ url: 'ftp://example.com', events: ['task.finished'] }, 400, /body\.url/],
      [
        { url: 'https://user:pass@example.com/hook', events: ['task.finished'] },
        400,
        /^body\.url: must not carry credentials/,
      ],
      [{ url: receiverUrl, events: ['task.exploded'] }, 400, /body\.events/],
      [{ url: receiverUrl, events: [] }, 400, /body\.events/],
      [{ url: receiverUrl, events: ['task.finished'], projectId: 'prj_none' }, 404, /prj_none/],
    ]
    for (const [json, status, message] of cases) {
      const refused = await t.api('/api/webhooks', { method: 'POST', json })
      expect(refused.status).toBe(status)
      expect((await refused.json()).error.message).toMatch(message)
    }
  })
})
