// The web UI in the real browser (Debian's Chromium): time to first render of the board with 500
// tasks and of a task view with 2,000 events, each beside the same screen nearly empty, measured
// side by side in one run.   node bench/ui.ts [--runs 5]
import { parseArgs } from 'node:util'
import type { Page } from 'playwright-core'
import { startSimulator } from '../src/sim/start-simulator.ts'
import { launchChromium } from '../test/support/browser.ts'
import { createGitRepo } from '../test/support/git-repo.ts'
import buildWebUi from '../test/support/web-global-setup.ts'
import { machine, median, spread } from './support/figures.ts'
import { serveCadre } from './support/serve-cadre.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const runs = Number(values.runs)
const boardTasks = 500
const targetEvents = 2000

// Each step searches for something new (a read-only tool: no checkpoint; never the same call twice,
// which Cadre would stop as a loop), until the history is long enough.
const sim = await startSimulator({
  scenarios: [
    {
      name: 'claude-sonnet-4-5',
      rules: [
        {
          when: { lastUserMessage: { contains: 'long' }, turn: { max: 499 } },
          reply: [{ toolCall: { tool: 'grep', input: { pattern: 'needle-{{turn}}' } } }],
        },
        { reply: [{ text: 'Done.' }] },
      ],
    },
  ],
})
buildWebUi()
const server = await serveCadre({ ANTHROPIC_BASE_URL: sim.url, ANTHROPIC_API_KEY: 'sk-ant-bench-0000000000' })
const { api } = server
const model = 'anthropic:claude-sonnet-4-5'

const settle = async (id: string) => {
  for (;;) {
    const task = (await api(`/api/tasks/${id}`)) as unknown as { status: string; lastSeq: number }
    if (['review', 'done', 'failed'].includes(task.status)) return task
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

// Two projects: one with a single task, one with 500 (in the backlog, so nothing runs).
const small = await api('/api/projects', { path: createGitRepo('small') })
const big = await api('/api/projects', { path: createGitRepo('big') })
await api(`/api/projects/${small.id}`, { settings: { budget: { maxSteps: 1000 } } }, 'PATCH')
const short = await api('/api/tasks', { projectId: small.id, prompt: 'short', model })
const long = await api('/api/tasks', { projectId: small.id, prompt: 'a long one', model })
for (let i = 0; i < boardTasks; i++) {
  await api('/api/tasks', { projectId: big.id, prompt: `task ${i + 1}`, model, start: false })
}
const shortTask = await settle(short.id)
const longTask = await settle(long.id)
process.stderr.write(`histories: ${shortTask.lastSeq} and ${longTask.lastSeq} events\n`)
if (longTask.lastSeq < targetEvents) throw new Error(`the long task has only ${longTask.lastSeq} events`)

const browser = await launchChromium()
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
const page = await context.newPage()
await page.goto(`${server.url}/?token=bench-token-0123456789`)

/** Milliseconds from navigation to the condition holding in the page. */
const timeTo = async (page: Page, url: string, condition: string, arg: unknown) => {
  await page.goto('about:blank')
  const started = performance.now()
  await page.goto(url)
  await page.waitForFunction(condition, arg, { timeout: 60_000, polling: 'raf' })
  return performance.now() - started
}
const cards = '(n) => document.querySelectorAll("[data-task]").length === n'
const shows =
  '(seq) => [...document.querySelectorAll("[data-seqs]")].some((e) => e.getAttribute("data-seqs").split(" ").includes(String(seq)))'

const figures = {
  emptyBoard: [] as number[],
  bigBoard: [] as number[],
  shortTask: [] as number[],
  longTask: [] as number[],
}
for (let run = 0; run < runs; run++) {
  figures.emptyBoard.push(await timeTo(page, `${server.url}/?project=${small.id}`, cards, 2))
  figures.bigBoard.push(await timeTo(page, `${server.url}/?project=${big.id}`, cards, boardTasks))
  figures.shortTask.push(await timeTo(page, `${server.url}/tasks/${short.id}`, shows, shortTask.lastSeq))
  figures.longTask.push(await timeTo(page, `${server.url}/tasks/${long.id}`, shows, longTask.lastSeq))
}
const ratio = (slow: number[], fast: number[]) => median(slow.map((ms, i) => ms / fast[i]!)).toFixed(2)

console.log(machine())
console.log(`${runs} runs; median (min–max), milliseconds from navigation to the screen complete\n`)
console.log('| screen | milliseconds | beside | ratio |')
console.log('| --- | --- | --- | --- |')
console.log(
  `| board, ${boardTasks} tasks | ${spread(figures.bigBoard, 0)} | board, 2 tasks: ${spread(figures.emptyBoard, 0)} | ${ratio(figures.bigBoard, figures.emptyBoard)} |`,
)
console.log(
  `| task view, ${longTask.lastSeq} events | ${spread(figures.longTask, 0)} | ${shortTask.lastSeq} events: ${spread(figures.shortTask, 0)} | ${ratio(figures.longTask, figures.shortTask)} |`,
)

await browser.close()
await server.stop()
await sim.close()
