import { execFileSync } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/server/free-port.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { launchChromium, openPage } from '../support/browser.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../support/install-test-agents.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

const model = 'anthropic:claude-sonnet-4-5'
const guarded = 'touch approved.txt && echo approved > approved.txt && echo touched-ok'

// The built-in agent's model: a call the project's policy asks about; a slow command to restart during.
const scenario: ScenarioInput = {
  name: 'claude-sonnet-4-5',
  rules: [
    { when: { lastToolResult: { contains: 'wrote notes.md' } }, reply: [{ text: 'Touched.' }] },
    {
      when: { lastToolResult: { contains: 'touched-ok' } },
      reply: [{ toolCall: { tool: 'write_file', input: { path: 'notes.md', content: '# notes\n' } } }],
    },
    {
      when: { lastUserMessage: { contains: 'sleep' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 3 && echo slept-ok' } } }],
    },
    // Its command done, or cut by the restart (the resumed run sees it interrupted).
    { when: { lastUserMessage: { contains: 'sleep' } }, reply: [{ text: 'Slept well.' }] },
    {
      when: { toolResult: 'none' },
      reply: [
        { text: 'Touching.' },
        { toolCall: { tool: 'todo', input: { items: [{ text: 'Touch the file', status: 'in_progress' }] } } },
        { toolCall: { tool: 'bash', input: { command: guarded } } },
      ],
    },
    { reply: [{ text: 'Nothing to do.' }] },
  ],
}

// Codex, the other agent of a comparison: it looks and changes nothing.
const codexScenario: ScenarioInput = { name: 'gpt-5.5', rules: [{ reply: [{ text: 'Nothing to change.' }] }] }

/** The stored seqs the conversation shows, each as often as it is shown. */
const shownSeqs = (page: Page) =>
  page
    .locator('[data-testid=conversation] [data-seqs]')
    .evaluateAll((nodes) =>
      nodes.flatMap((node) => (node.getAttribute('data-seqs') ?? '').split(' ').filter(Boolean).map(Number)),
    )

describe('the web UI, in Chromium, against a real server and the simulator', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let browser: Browser
  beforeAll(async () => {
    installTestAgents(['codex'])
    served = await serveWithSimulator([scenario, codexScenario], {
      CADRE_PORT: String(await freePort()),
      PATH: `${testAgentsBin}:${process.env.PATH}`,
    })
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await served?.close()
  })

  const storedSeqs = async (taskId: string) =>
    (
      (await (await served.api(`/api/tasks/${taskId}/events?limit=5000`)).json()).events as { seq: number }[]
    ).map((event) => event.seq)

  it('asks for the token on a clear page, refusing a wrong one, and signs in with the right one', async () => {
    const { page, errors, screenshot } = await openPage(browser)
    await page.goto(`${served.url}/`)
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Cadre' }).isVisible()).toBe(true)
    await page.fill('input[name=token]', 'not-the-token-at-all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That token is not valid')
    expect(page.url()).not.toContain('not-the-token')
    await screenshot('sign-in')
    await page.fill('input[name=token]', served.token)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'No project yet' }).isVisible()).toBe(true)
    expect(page.url()).not.toContain(served.token)
    expect(errors).toEqual([])
  })

  it('adds a project, runs a task that waits for approval, approves it inline, reviews the diff, commits and merges', async () => {
    const { page, errors, screenshot } = await openPage(browser)
    await page.goto(`${served.url}/?token=${served.token}`)
    expect(page.url()).not.toContain(served.token) // traded for the cookie
    // A path that is not a repository: the API's own message, nothing added.
    await page.fill('input[name=path]', '/definitely/not/here')
    await page.getByRole('button', { name: 'Add', exact: true }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not here|does not exist|no such/i)
    const repo = createGitRepo('webapp')
    await page.fill('input[name=path]', repo)
    await page.getByRole('button', { name: 'Add', exact: true }).click()
    await page.getByRole('button', { name: 'New task' }).waitFor()
    const { projects } = await (await served.api('/api/projects')).json()
    const rules = [{ tool: 'bash', pattern: 'touch *', action: 'ask' }]
    await served.api(`/api/projects/${projects[0].id}`, { settings: { policy: { rules } } }, 'PATCH')

    // The new-task dialog, opened with its shortcut; a model nobody serves is refused with the reason.
    await page.keyboard.press('n')
    await page.fill('textarea[name=prompt]', 'touch a file')
    await page.fill('input[name=model]', 'nowhere:model')
    await page.selectOption('select[name=mode]', 'default')
    await page.getByRole('button', { name: 'Start task' }).click()
    await expect.poll(() => page.getByRole('dialog').getByRole('alert').textContent()).toContain('nowhere')
    await screenshot('new-task-dialog')
    await page.fill('input[name=model]', model)
    await page.getByRole('button', { name: 'Start task' }).click()

    // The task view: the approval request arrives live, and is answered where it shows.
    await page.waitForURL(/\/tasks\/tsk_/)
    const taskId = page.url().split('/tasks/')[1]!
    const allow = page.getByRole('button', { name: 'Allow' })
    await allow.waitFor({ timeout: 20_000 })
    await expect.poll(() => page.getByTestId('todo').textContent()).toContain('Touch the file')
    await screenshot('task-waiting-for-approval')
    await allow.click()
    await expect
      .poll(() => page.locator('header [data-status]').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('review')
    await page.getByText('Touched.').waitFor()
    // A file edit's card unfolds into the file's diff.
    await page.locator('[data-tool-state]', { hasText: 'notes.md' }).getByRole('button').click()
    // The diff view is a chunk of its own, loaded on first use: a busy machine takes a while.
    await expect
      .poll(() => page.locator('.d2h-file-wrapper').first().textContent(), { timeout: 15_000 })
      .toContain('# notes')
    // Every stored event is on screen exactly once.
    await expect
      .poll(async () => (await shownSeqs(page)).sort((a, b) => a - b))
      .toEqual(await storedSeqs(taskId))
    await screenshot('task-finished')

    await page.getByRole('button', { name: 'changes' }).click()
    await page.locator('[data-file="approved.txt"]').waitFor()
    // Checkpoint 0 as made, one after the approved call, one after the note was written.
    await expect.poll(() => page.getByRole('region', { name: 'Checkpoints' }).locator('li').count()).toBe(3)
    await page.getByRole('button', { name: 'Split' }).click()
    await page.locator('.d2h-file-side-diff').first().waitFor() // side by side now
    await screenshot('task-changes')
    await page.getByRole('button', { name: 'commit' }).click()
    await page.getByText('Done: commit.').waitFor()
    await page.getByRole('button', { name: 'merge' }).click()
    await page.getByText('Done: merge.').waitFor()
    const merged = execFileSync('git', ['-C', repo, 'log', '--format=%s', 'main'], { encoding: 'utf8' })
    expect(merged).not.toBe('init\n')
    expect(execFileSync('git', ['-C', repo, 'show', 'main:approved.txt'], { encoding: 'utf8' })).toBe(
      'approved\n',
    )

    // The logs tab (its shortcut): the command's output and exit code.
    await page.keyboard.press('l')
    await expect.poll(() => page.locator('[data-log]').first().textContent()).toMatch(/exit 0.*touched-ok/s)
    await screenshot('task-logs')

    await page.keyboard.press('Escape') // back to the board
    await page.locator(`[data-task="${taskId}"]`).waitFor()
    await screenshot('board')
    // The two refusals above are the browser's own log of the API's 400s; nothing else went wrong.
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ])
  }, 60_000)

  it('keeps provider keys masked and checks them, and saves settings, refusing a bad value with its reason', async () => {
    const { page, errors, screenshot } = await openPage(browser)
    await page.goto(`${served.url}/settings?token=${served.token}`)
    const anthropic = page.locator('[data-provider=anthropic]')
    const key = 'sk-ant-entered-in-the-ui-0123456789'
    await anthropic.getByLabel('anthropic API key').fill(key)
    await anthropic.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => anthropic.textContent()).toContain('(settings)')
    expect(await page.content()).not.toContain(key) // shown masked only
    await anthropic.getByRole('button', { name: 'Check' }).click()
    await expect.poll(() => anthropic.locator('p').last().getAttribute('class')).toContain('text-good')
    await page.fill('textarea[name=hiddenPaths]', '~/private\n\n/srv/secrets\n')
    await page.getByRole('button', { name: 'Save' }).last().click()
    await expect
      .poll(async () => (await (await served.api('/api/settings')).json()).hiddenPaths)
      .toEqual(['~/private', '/srv/secrets'])
    await page.fill('textarea[name=hiddenPaths]', 'relative/path')
    await page.getByRole('button', { name: 'Save' }).last().click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/hiddenPaths\.0: an absolute path, or one starting with ~\//)
    await page.fill('textarea[name=hiddenPaths]', '~/private')
    await page.fill('input[name=maxConcurrentRuns]', '0')
    await page.getByRole('button', { name: 'Save' }).last().click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/maxConcurrentRuns/)
    await screenshot('settings')

    const project = await (await served.api('/api/projects', { path: createGitRepo('settled') })).json()
    await page.goto(`${served.url}/projects/${project.id}/settings`)
    await page.fill('input[name=checkCommand]', 'test -f README.md')
    await page.fill('textarea[name=copyIntoWorkspace]', 'node_modules\n\n.env.local')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Saved.').waitFor()
    await page.reload()
    await expect.poll(() => page.inputValue('input[name=checkCommand]')).toBe('test -f README.md')
    expect(await page.inputValue('textarea[name=copyIntoWorkspace]')).toBe('node_modules\n.env.local')
    await screenshot('project-settings')
    // A task's logs say what was copied into its new workspace, and why not.
    const warm = await (
      await served.api('/api/tasks', { projectId: project.id, prompt: 'sleep a while', model, mode: 'auto' })
    ).json()
    await served.settled(warm.id, ['done', 'review', 'failed'])
    await page.goto(`${served.url}/tasks/${warm.id}`)
    // Its tab's button, once the page has drawn it (a key pressed before would go unheard).
    await page.getByRole('button', { name: 'logs', exact: true }).click()
    await expect
      .poll(() => page.locator('[data-log]').first().textContent())
      .toMatch(/Copied from the project's checkout.*node_modules: not in the project's checkout/s)
    await screenshot('task-logs-copied')
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ])
  })

  it('shows a comparison of agents side by side, with their changes and the check', async () => {
    const { page, errors, screenshot } = await openPage(browser)
    await page.goto(`${served.url}/?token=${served.token}`)
    const project = await (await served.api('/api/projects', { path: createGitRepo('compared') })).json()
    await served.api(
      `/api/projects/${project.id}`,
      { settings: { checkCommand: 'test -f approved.txt' } },
      'PATCH',
    )
    const comparison = await (
      await served.api('/api/tasks', {
        projectId: project.id,
        prompt: 'touch a file',
        agents: ['builtin', 'codex'],
        models: { builtin: model, codex: 'openai:gpt-5.5' },
      })
    ).json()
    await page.goto(`${served.url}/tasks/${comparison.id}`)
    const card = (agent: string) => page.locator(`[data-compared=${agent}]`)
    await expect.poll(() => card('builtin').textContent(), { timeout: 30_000 }).toMatch(/review.*passed/s)
    await expect.poll(() => card('codex').textContent(), { timeout: 30_000 }).toMatch(/done.*failed \(1\)/s)
    expect(await card('builtin').textContent()).toContain('2 files +2')
    await screenshot('compare')
    await card('builtin').click()
    await page.waitForURL(/\/tasks\/tsk_/)
    expect(errors).toEqual([])
  }, 60_000)

  it('fits a tablet, in the dark theme it remembers', async () => {
    const { page, errors, screenshot } = await openPage(browser, { width: 820, height: 1180 })
    const project = await (await served.api('/api/projects', { path: createGitRepo('tablet') })).json()
    await page.goto(`${served.url}/?project=${project.id}&token=${served.token}`)
    await page.getByRole('button', { name: 'Switch theme' }).click()
    await expect.poll(() => page.evaluate('document.documentElement.classList.contains("dark")')).toBe(true)
    await page.reload()
    await expect.poll(() => page.evaluate('document.documentElement.classList.contains("dark")')).toBe(true)
    await page.getByRole('region', { name: 'Review' }).waitFor()
    // Nothing wider than the screen but the board's own scrolling columns.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(820)
    await screenshot('board-tablet-dark')
    expect(errors).toEqual([])
  })

  it('reconnects after the server is killed mid-run, and shows exactly the stored truth', async () => {
    const { page, errors, screenshot } = await openPage(browser)
    await page.goto(`${served.url}/?token=${served.token}`)
    const { projects } = await (await served.api('/api/projects')).json()
    const task = await (
      await served.api('/api/tasks', {
        projectId: projects[0].id,
        prompt: 'sleep a while',
        model,
        mode: 'auto',
      })
    ).json()
    await page.goto(`${served.url}/tasks/${task.id}`)
    await page.locator('[data-tool-state=running]').waitFor({ timeout: 20_000 })
    const sawReconnecting = page.getByText('Reconnecting…').waitFor({ timeout: 20_000 })
    await served.crashAndRestart()
    await sawReconnecting // the page said it had lost the server
    await expect
      .poll(() => page.locator('header [data-status]').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('done') // it changed no file
    await expect.poll(() => page.getByText('Slept well.').isVisible(), { timeout: 10_000 }).toBe(true)
    // The call the crash cut is shown as such, not as still running.
    expect(await page.locator('[data-tool-state=running]').count()).toBe(0)
    expect(await page.locator('[data-tool-state=interrupted]').count()).toBe(1)
    await expect.poll(() => page.getByTestId('stream-state').count()).toBe(0) // connected again
    await expect
      .poll(async () => (await shownSeqs(page)).sort((a, b) => a - b))
      .toEqual(await storedSeqs(task.id))
    await screenshot('task-after-restart')
    // While the server was down the browser could not connect: that, and only that, was logged.
    expect(
      errors.filter(
        (error) => !/WebSocket connection|ERR_CONNECTION_REFUSED|Failed to load resource/.test(error),
      ),
    ).toEqual([])
  }, 90_000)
})
