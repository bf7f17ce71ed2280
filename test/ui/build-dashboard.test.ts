import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openPage } from '../support/browser.ts'
import { colourRules, fileOn, onFeature } from '../support/build-scenario.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

describe('the build dashboard, in Chromium', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let browser: Browser
  beforeAll(async () => {
    served = await serveWithSimulator([
      {
        name: 'claude-haiku-4-5',
        // Slow enough to see the agents at work.
        pace: { latencyMs: 1500, tokensPerSecond: 0 },
        rules: [
          ...colourRules,
          onFeature('Feature: Base', 'echo base > base.txt'),
          onFeature('Feature: Walls', 'echo walls > walls.txt'),
          onFeature('Feature: Look', 'echo look > look.txt'),
          { reply: [{ text: 'Done.' }] },
        ],
      },
    ])
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await served?.close()
  })

  it("starts a build, shows its agents, its board and graph, takes a person's answer and a check by hand, and finishes", async () => {
    const repo = createGitRepo()
    const project = await (await served.api('/api/projects', { path: repo })).json()
    await served.api(`/api/projects/${project.id}/features`, {
      features: [
        { name: 'Base', category: 'core', steps: ['$ grep -qx base base.txt'] },
        { name: 'Walls', category: 'core', steps: ['$ test -f walls.txt'], dependsOn: ['Base'] },
        { name: 'Colour', category: 'look', steps: ['$ grep -qx red colour.txt'], dependsOn: ['Base'] },
        { name: 'Look', category: 'look', steps: ['It looks right'], dependsOn: ['Walls', 'Colour'] },
      ],
    })
    const { page, errors, screenshot } = await openPage(browser, { width: 1440, height: 1000 })
    await page.goto(`${served.url}/projects/${project.id}/build?token=${served.token}`)
    await page.getByLabel('Model').fill('anthropic:claude-haiku-4-5')
    await page.getByRole('button', { name: 'Start build' }).click()
    const status = page.locator('[data-build-status]')
    await expect.poll(() => status.getAttribute('data-build-status'), { timeout: 15_000 }).toBe('running')
    // The agent on Base shows, with what it does now.
    const agent = page.locator('[data-agent=Base]')
    await expect.poll(() => agent.textContent(), { timeout: 20_000 }).toContain('bash: echo base > base.txt')
    await expect
      .poll(() => page.getByRole('img', { name: 'Feature dependencies' }).locator('[data-node]').count())
      .toBe(4)
    await screenshot('build-dashboard-running')

    // Colour's agent asks; the question shows with its options; choosing one answers it.
    const asking = page.getByRole('region', { name: 'Needs a person' }).locator('[data-feature=Colour]')
    await expect.poll(() => asking.textContent(), { timeout: 60_000 }).toContain('Which colour?')
    await asking.getByRole('button', { name: 'red' }).click()
    // Look has no command to check it: once its code is in, it waits to be verified by hand.
    const byHand = page
      .getByRole('region', { name: 'Code complete — verify by hand' })
      .locator('[data-feature=Look]')
    await expect.poll(() => byHand.count(), { timeout: 90_000 }).toBe(1)
    await expect.poll(() => status.getAttribute('data-build-status'), { timeout: 15_000 }).toBe('waiting')
    await expect.poll(() => page.getByText('1 feature waits to be verified by hand').count()).toBe(1)
    await screenshot('build-dashboard-waiting')
    await byHand.getByRole('button', { name: 'It works' }).click()
    await expect.poll(() => status.getAttribute('data-build-status'), { timeout: 30_000 }).toBe('finished')
    await expect
      .poll(() => page.getByRole('progressbar', { name: 'Features passing' }).getAttribute('aria-valuenow'))
      .toBe('100')
    await screenshot('build-dashboard-finished')
    const build = (await (await served.api(`/api/projects/${project.id}/builds`)).json()).builds[0]
    expect(fileOn(repo, build.branch, 'colour.txt')).toBe('red')
    expect(fileOn(repo, build.branch, 'look.txt')).toBe('look')
    expect(errors).toEqual([])
  }, 240_000)
})
