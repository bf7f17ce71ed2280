import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openPage } from '../support/browser.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { startOAuthProbeServer } from '../support/oauth-probe-server.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

describe('webhooks and connectors in the settings page, in Chromium', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let browser: Browser
  let receiver: Server
  let receiverUrl: string
  const received: string[] = []
  beforeAll(async () => {
    served = await serveWithSimulator([
      { name: 'claude-sonnet-4-5', rules: [{ reply: [{ text: 'Done.' }] }] },
    ])
    browser = await launchChromium()
    // The first delivery is refused, so that there is one to send again.
    receiver = createServer(async (req, res) => {
      let body = ''
      for await (const chunk of req) body += chunk
      received.push(body)
      res.statusCode = received.length === 1 ? 503 : 204
      res.end()
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await served?.close()
    receiver?.close()
  })

  it('adds a webhook, showing its secret once, lists its deliveries and sends one again; adds and checks a connector', async () => {
    const { page, errors, screenshot } = await openPage(browser)
    await page.goto(`${served.url}/settings?token=${served.token}`)
    await page.fill('input[name=webhookUrl]', receiverUrl)
    await page.getByRole('button', { name: 'Add webhook' }).click()
    const secret = page.getByRole('status').filter({ hasText: 'signing secret' })
    await expect.poll(() => secret.textContent(), { timeout: 15_000 }).toMatch(/whsec_/)

    // A task finishes: its delivery is refused once, then shown, and sent again from the page.
    const project = await (await served.api('/api/projects', { path: createGitRepo() })).json()
    const task = await (
      await served.api('/api/tasks', {
        projectId: project.id,
        prompt: 'say done',
        model: 'anthropic:claude-sonnet-4-5',
      })
    ).json()
    await served.settled(task.id, ['done', 'review'])
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1)
    await page.reload()
    const delivery = page.locator('[data-delivery]').first()
    await expect.poll(() => delivery.textContent(), { timeout: 15_000 }).toMatch(/task\.finished/)
    const before = received.length
    await delivery.getByRole('button', { name: 'Resend' }).click()
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(before)
    expect(received.at(-1)).toContain(task.id)

    const probe = join(import.meta.dirname, '..', 'fixtures', 'mcp-probe-server.ts')
    await page.fill('input[name=connectorName]', 'probe')
    await page.fill('input[name=connectorTarget]', `${process.execPath} ${probe}`)
    await page.getByRole('button', { name: 'Add', exact: true }).click()
    const connector = page.locator('[data-connector=probe]')
    await connector.getByRole('button', { name: 'Check' }).click()
    await expect
      .poll(() => connector.getByRole('status').textContent(), { timeout: 20_000 })
      .toBe('Tools: cadre_probe_echo')
    await screenshot('integrations-settings')
    expect(errors).toEqual([])
  }, 120_000)

  it("adds a project's own OAuth connector and webhook from its settings page, and authorizes the connector", async () => {
    await using oauth = await startOAuthProbeServer()
    const project = await (await served.api('/api/projects', { path: createGitRepo() })).json()
    const { page, errors, screenshot } = await openPage(browser, { width: 1280, height: 1400 })
    await page.goto(`${served.url}/projects/${project.id}/settings?token=${served.token}`)
    const connectors = page.locator('section', { hasText: "This project's connectors" })
    await connectors.locator('input[name=connectorName]').fill('docs')
    await connectors.locator('input[name=connectorTarget]').fill(oauth.url)
    await connectors.getByLabel('signs in with OAuth').check()
    await connectors.getByRole('button', { name: 'Add', exact: true }).click()
    const row = connectors.locator('[data-connector=docs]')
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('OAuth: not authorized')
    // Authorize opens the authorization server's page, which sends the person back to Cadre.
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      row.getByRole('button', { name: 'Authorize' }).click(),
    ])
    await popup.waitForLoadState()
    await expect
      .poll(() => popup.locator('h1').textContent(), { timeout: 15_000 })
      .toBe('Connector docs is authorized')
    await popup.close()
    await page.reload()
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('OAuth: authorized')
    await row.getByRole('button', { name: 'Check' }).click()
    await expect
      .poll(() => row.getByRole('status').textContent(), { timeout: 20_000 })
      .toBe('Tools: cadre_probe_echo')

    const webhooks = page.locator('section', { hasText: "This project's webhooks" })
    await webhooks.locator('input[name=webhookUrl]').fill(receiverUrl)
    await webhooks.getByRole('button', { name: 'Add webhook' }).click()
    await expect.poll(() => webhooks.textContent(), { timeout: 15_000 }).toContain(`project ${project.id}`)
    // Both are the project's own: the global lists keep them under the project.
    const own = await (await served.api(`/api/connectors?projectId=${project.id}`)).json()
    expect(own.connectors.map((c: { name: string }) => c.name)).toEqual(['docs'])
    await screenshot('project-integrations')
    expect(errors).toEqual([])
  }, 120_000)
})
