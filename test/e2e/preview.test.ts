import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, screenshotsDir } from '../support/browser.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'
import { provideDependencies } from '../support/template-dependencies.ts'

const app = (heading: string, extra = '') => `export function App() {
  ${extra}
  return <main><h1>${heading}</h1></main>
}
`

/** The agent's moves, keyed by what the person (or Cadre) said last. */
const edit = (word: string, content: string) => ({
  when: { lastUserMessage: { contains: word } },
  reply: [{ toolCall: { tool: 'write_file', input: { path: 'src/App.tsx', content } } }],
})

describe('a live preview of what the agent builds, with its errors fed back to it', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
    served = await serveWithSimulator([
      {
        name: 'claude-sonnet-4-5',
        rules: [
          // After its tool ran, the agent is done; otherwise it acts on what it was told last.
          { when: { toolResult: 'last' as const }, reply: [{ text: 'Done.' }] },
          edit('make it v2', app('Hello v2')),
          edit(
            'break it',
            app('Hello broken', "throw new Error('cadre-boom-4242: the heading cannot be drawn')"),
          ),
          edit('cadre-boom-4242', app('Hello fixed')),
          { reply: [{ text: 'Done.' }] },
        ],
      },
    ])
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await served?.close()
  })

  const events = async (taskId: string) =>
    (await (await served.api(`/api/tasks/${taskId}/events`)).json()).events
  const say = async (taskId: string, text: string) => {
    expect((await served.api(`/api/tasks/${taskId}/messages`, { text })).status).toBe(201)
  }
  const heading = (page: Page) =>
    page
      .locator('h1')
      .textContent({ timeout: 1000 })
      .catch(() => null)

  /** A project made from the vite-react template, its dependencies linked, and a settled task on it. */
  const templateTask = async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cadre-template-')), 'my-app')
    const made = await served.api('/api/projects', { path, template: 'vite-react' })
    expect(made.status).toBe(201)
    const project = await made.json()
    expect(project.settings).toMatchObject({ devCommand: 'npm run dev', previewErrorsToAgent: true })
    // Nothing to install: the dependencies are provided once the workspace exists.
    await served.api(`/api/projects/${project.id}`, { settings: { setupScript: 'true' } }, 'PATCH')
    const task = await (
      await served.api('/api/tasks', {
        projectId: project.id,
        prompt: 'start',
        model: 'anthropic:claude-sonnet-4-5',
      })
    ).json()
    // Nothing changed yet: the task is done, and takes follow-ups.
    expect(await served.settled(task.id, ['review', 'done', 'failed'])).toMatchObject({ status: 'done' })
    provideDependencies(await served.workspaceOf(task.id))
    return { project, task }
  }

  it('shows hot reloads of the agent’s edits, and the page’s error reaches the agent, which fixes it', async () => {
    const { task } = await templateTask()
    const started = await served.api(`/api/tasks/${task.id}/preview`, {})
    expect(started.status).toBe(200)
    const preview = await started.json()
    expect(new URL(preview.origin).port).not.toBe(new URL(served.url).port)

    const page = await (await browser.newContext()).newPage()
    await page.goto(preview.url)
    await expect.poll(() => heading(page), { timeout: 30_000 }).toBe('Hello from your new app')
    expect(page.url()).toBe(`${preview.origin}/`)
    // Dependencies are optimised on first load, which may reload the page once: then it is marked.
    await page.waitForTimeout(1500)
    await page.evaluate(() => {
      ;(globalThis as unknown as { cadreMark: number }).cadreMark = 42
    })

    // The agent's edit arrives by hot reload: the page changes without loading again.
    await say(task.id, 'make it v2')
    await expect.poll(() => heading(page), { timeout: 30_000 }).toBe('Hello v2')
    expect(await page.evaluate(() => (globalThis as unknown as { cadreMark?: number }).cadreMark)).toBe(42)

    // The agent breaks the page: the error is stored in the task and told to the agent, whose
    // scenario answers that very text with a fix.
    await served.settled(task.id, ['review'])
    await say(task.id, 'break it')
    await expect
      .poll(
        async () =>
          (await events(task.id)).some(
            (event: { type: string; data: { message?: string } }) =>
              event.type === 'preview.error' && event.data.message?.includes('cadre-boom-4242'),
          ),
        { timeout: 30_000 },
      )
      .toBe(true)
    await expect
      .poll(
        async () =>
          (await events(task.id)).some(
            (event: { type: string; data: { text?: string } }) =>
              event.type === 'message.user' && event.data.text?.includes('cadre-boom-4242'),
          ),
        { timeout: 30_000 },
      )
      .toBe(true)
    await page.waitForTimeout(500)
    await served.settled(task.id, ['review'])
    // The simulator answered with the fix only because the error's text was in the request it
    // received: the fix is in the workspace, and the page shows it with no error left.
    await page.reload()
    await expect.poll(() => heading(page), { timeout: 30_000 }).toBe('Hello fixed')
    const errorsBefore = (await events(task.id)).filter(
      (event: { type: string }) => event.type === 'preview.error',
    ).length
    await page.waitForTimeout(2000)
    expect(
      (await events(task.id)).filter((event: { type: string }) => event.type === 'preview.error').length,
    ).toBe(errorsBefore)

    expect((await served.api(`/api/tasks/${task.id}/preview`, undefined, 'DELETE')).status).toBe(200)
    const stopped = (await events(task.id)).find(
      (event: { type: string }) => event.type === 'preview.stopped',
    )
    expect(stopped.data.reason).toBe('stopped on request')
    await expect(page.goto(preview.url, { timeout: 5000 })).rejects.toThrow()
  }, 240_000)

  it("runs two tasks' previews at once on their own origins, and a preview page cannot reach Cadre's API", async () => {
    const first = await templateTask()
    const second = await templateTask()
    const [a, b] = await Promise.all(
      [first.task.id, second.task.id].map(async (id) =>
        (await served.api(`/api/tasks/${id}/preview`, {})).json(),
      ),
    )
    expect(a.origin).not.toBe(b.origin)

    // The browser is signed in to Cadre (its session cookie is on 127.0.0.1) when it opens a preview.
    const context = await browser.newContext()
    const cadre = await context.newPage()
    await cadre.goto(`${served.url}/?token=${served.token}`)
    const page = await context.newPage()
    for (const preview of [a, b]) {
      await page.goto(preview.url)
      await expect.poll(() => heading(page), { timeout: 30_000 }).toBe('Hello from your new app')
    }
    // In Cadre's own page, the task's preview shows beside its conversation, at a phone's width too.
    await cadre.goto(`${served.url}/tasks/${first.task.id}`)
    await cadre.getByRole('button', { name: 'Preview', exact: true }).click()
    const frame = cadre.frameLocator('iframe[title="The task\'s live preview"]')
    await expect
      .poll(() => frame.locator('h1').textContent(), { timeout: 30_000 })
      .toBe('Hello from your new app')
    await cadre.getByRole('button', { name: 'Phone' }).click()
    expect(
      await cadre
        .locator('iframe')
        .evaluate((element) => (element as unknown as { offsetWidth: number }).offsetWidth),
    ).toBe(375)
    mkdirSync(screenshotsDir, { recursive: true })
    await cadre.screenshot({ path: join(screenshotsDir, 'preview-panel.png') })

    const tasksBefore = (await (await served.api('/api/tasks')).json()).tasks.length
    const attempts = await page.evaluate(
      async ({ cadreUrl, projectId }) => {
        const read = await fetch(`${cadreUrl}/api/projects`, { credentials: 'include' }).then(
          async (response) => `read ${response.status}`,
          () => 'blocked',
        )
        const write = await fetch(`${cadreUrl}/api/tasks`, {
          method: 'POST',
          mode: 'no-cors',
          credentials: 'include',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ projectId, prompt: 'written by the preview' }),
        }).then(
          () => 'sent',
          () => 'blocked',
        )
        const { document } = globalThis as unknown as { document: { cookie: string } }
        return { read, write, cookies: document.cookie }
      },
      { cadreUrl: served.url, projectId: first.project.id },
    )
    expect(attempts.read).toBe('blocked')
    expect(attempts.cookies).not.toContain('cadre_session')
    // Whatever the browser sent, Cadre took nothing from the preview's origin.
    expect((await (await served.api('/api/tasks')).json()).tasks.length).toBe(tasksBefore)
    for (const id of [first.task.id, second.task.id])
      await served.api(`/api/tasks/${id}/preview`, undefined, 'DELETE')
  }, 240_000)
})
