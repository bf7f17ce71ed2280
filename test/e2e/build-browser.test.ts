import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { printBuild } from '../support/build-scenario.ts'
import { waitFor } from '../support/cli.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'
import { provideDependencies } from '../support/template-dependencies.ts'

const look = 'Feature: Look'

describe("a build's browser checks and browser tools, on a project made from the vite-react template", () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  beforeAll(async () => {
    // Playwright says what the browser does, for a failure to explain itself.
    served = await serveWithSimulator(
      [
        {
          name: 'claude-haiku-4-5',
          rules: [
            // Look's agent opens the page, reads it, looks at a screenshot, then is done.
            {
              when: { lastUserMessage: { contains: look }, toolResult: 'none' },
              reply: [{ toolCall: { tool: 'browser_open', input: { path: '/' } } }],
            },
            {
              when: {
                lastUserMessage: { contains: look },
                lastToolResult: { contains: 'Hello from your new app' },
              },
              reply: [{ toolCall: { tool: 'browser_click', input: { target: 'Clicked 0 times' } } }],
            },
            {
              when: {
                lastUserMessage: { contains: look },
                lastToolResult: { contains: 'Clicked Clicked 0 times' },
              },
              reply: [{ toolCall: { tool: 'browser_screenshot', input: {} } }],
            },
            // Every other agent changes nothing: the template's page is what Cadre checks.
            { reply: [{ text: 'Done.' }] },
          ],
        },
      ],
      { DEBUG: 'pw:browser' },
    )
  }, 60_000)
  afterAll(async () => {
    await served?.close()
  })

  it('passes a browser check for the right reason, fails one for the right reason, and gives agents a browser', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cadre-template-')), 'shop')
    const project = await (await served.api('/api/projects', { path, template: 'vite-react' })).json()
    // The setup waits for the dependencies, which the test provides (no registry is reachable).
    const setupScript =
      'for i in $(seq 300); do [ -e node_modules/.bin/vite ] && exit 0; sleep 0.2; done; exit 1'
    await served.api(`/api/projects/${project.id}`, { settings: { setupScript } }, 'PATCH')
    await served.api(`/api/projects/${project.id}/features`, {
      features: [
        {
          name: 'Counter',
          steps: [
            'browser: open /; see Hello from your new app; click Clicked 0 times; see Clicked 1 times; no errors',
          ],
        },
        { name: 'Broken', steps: ['browser: open /; click Clicked 0 times; see Clicked 5 times'] },
        { name: 'Look', steps: ['browser: open /; see Hello'] },
      ],
    })
    const build = await (
      await served.api(`/api/projects/${project.id}/build`, {
        concurrency: 2,
        model: 'anthropic:claude-haiku-4-5',
        maxAttempts: 1,
      })
    ).json()
    const provided = new Set<string>()
    const waiting = await waitFor(
      async () => {
        const { tasks } = await (await served.api(`/api/tasks?projectId=${project.id}`)).json()
        for (const task of tasks) {
          if (provided.has(task.id)) continue
          const { events } = await (await served.api(`/api/tasks/${task.id}/events`)).json()
          const ready = events.find((event: { type: string }) => event.type === 'workspace.ready')
          if (!ready) continue
          provideDependencies(ready.data.path)
          provided.add(task.id)
        }
        // The build's own workspace, where its regression checks run, needs them too.
        const own = join(served.home, 'worktrees', project.id, build.id)
        if (!provided.has(build.id) && existsSync(own)) {
          provideDependencies(own)
          provided.add(build.id)
        }
        const now = await (await served.api(`/api/builds/${build.id}`)).json()
        return ['waiting', 'finished', 'failed'].includes(now.status) ? now : undefined
      },
      'the build to settle',
      150_000,
    ).catch(async (error) => {
      await printBuild(served.api, build.id, project.id)
      console.log(served.server.output.stdout.split('\n').slice(-40).join('\n'))
      console.log(served.server.output.stderr.split('\n').slice(-60).join('\n'))
      throw error
    })
    expect(waiting.status).toBe('waiting')
    const { features } = await (await served.api(`/api/projects/${project.id}/features`)).json()
    const [counter, broken, looked] = features
    expect(counter).toMatchObject({ status: 'passing' })
    expect(looked).toMatchObject({ status: 'passing' })
    // Broken fails on what it claims, with what the page showed instead.
    expect(broken.status).toBe('needs_human')
    expect(broken.note).toContain(
      'the browser check "see Clicked 5 times" failed: "Clicked 5 times" is not on the page',
    )
    expect(broken.note).toContain('Clicked 1 times')

    // Look's agent drove the browser: it read the page, clicked, and got a screenshot.
    const { events } = await (await served.api(`/api/tasks/${looked.lastTaskId}/events`)).json()
    const outputs = events
      .filter((event: { type: string }) => event.type === 'tool.finished')
      .map((event: { data: { tool: string; output: string } }) => `${event.data.tool}: ${event.data.output}`)
    expect(outputs).toEqual([
      expect.stringMatching(/browser_open: Page: \/ — .*\n\nHello from your new app\nClicked 0 times/),
      expect.stringContaining('browser_click: Clicked Clicked 0 times.'),
      expect.stringMatching(/browser_screenshot: \[image\]/),
    ])
  }, 300_000)
})
