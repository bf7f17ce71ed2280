import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

/**
 * Mixed load on one real `cadre serve` for a while: tasks created, answered again, merged,
 * discarded and cancelled mid-run, pages read, stream clients coming and going. Whatever goes wrong
 * is counted; the server's resident memory is sampled throughout. `npm run soak` runs it for 30
 * minutes; `soak.test.ts` runs a short one in `npm test`.
 */

const scenario: ScenarioInput = {
  name: 'soak',
  rules: [
    { when: { toolResult: 'last' }, reply: [{ text: 'Written.' }] },
    {
      when: { lastUserMessage: { contains: 'slow' } },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 20' } } }],
    },
    {
      reply: [
        { text: 'Writing it down.' },
        {
          toolCall: {
            tool: 'bash',
            input: { command: "echo '{{lastUserMessage}}' >> '{{lastUserMessage}}.txt'" },
          },
        },
      ],
    },
  ],
}

export interface SoakReport {
  minutes: number
  operations: Record<string, number>
  failures: string[]
  /** Server RSS in MB, sampled every few seconds. */
  rss: number[]
  /** Median RSS (MB) of the second quarter of the run (after warm-up) and of the last quarter. */
  rssEarly: number
  rssLate: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

const rssOf = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
  return line ? Number(line[1]) / 1024 : 0
}

export const soak = async (options: {
  minutes: number
  workers?: number
  progress?: (line: string) => void
}) => {
  const server = await serveWithSimulator([scenario], { CADRE_LOG_LEVEL: 'warn' })
  const failures: string[] = []
  const operations: Record<string, number> = {}
  const count = (operation: string) => (operations[operation] = (operations[operation] ?? 0) + 1)
  const fail = (what: string) => {
    if (failures.length < 50) failures.push(what)
  }
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked where they are used
  const call = async (path: string, body?: unknown, method?: string): Promise<any> => {
    const response = await server.api(path, body, method)
    const answer = await response.json().catch(() => undefined)
    if (response.status >= 500) fail(`${method ?? (body ? 'POST' : 'GET')} ${path}: ${response.status}`)
    return { ...answer, httpStatus: response.status }
  }
  const settle = async (id: string, statuses: string[]) => {
    const deadline = Date.now() + 120_000
    while (Date.now() < deadline) {
      const task = await call(`/api/tasks/${id}`)
      if (statuses.includes(task.status)) return task
      if (['failed', 'cancelled'].includes(task.status) && !statuses.includes(task.status)) {
        fail(`task ${id} ended ${task.status}: ${task.statusReason ?? ''}`)
        return undefined
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    fail(`task ${id} did not become ${statuses.join(' or ')} in 2 minutes`)
    return undefined
  }

  const { pid } = JSON.parse(readFileSync(join(server.home, 'server.json'), 'utf8')) as { pid: number }
  const project = await call('/api/projects', { path: createGitRepo() })
  await call('/api/settings', { maxConcurrentRuns: 8 }, 'PATCH')
  let serial = 0
  const newTask = async (prompt: string) =>
    call('/api/tasks', { projectId: project.id, prompt, model: 'anthropic:claude-haiku-4-5' })

  const mixes: Record<string, () => Promise<void>> = {
    async taskToReview() {
      const task = await newTask(`note-${serial++}`)
      const settled = await settle(task.id, ['review'])
      if (!settled) return
      const roll = Math.random()
      if (roll < 0.3) {
        await call(`/api/tasks/${task.id}/messages`, { text: `${task.prompt}-more` })
        await settle(task.id, ['review'])
      } else if (roll < 0.6) {
        const merged = await call(`/api/tasks/${task.id}/merge`, { strategy: 'squash' })
        if (merged.httpStatus !== 200)
          fail(`merge of ${task.id}: ${merged.httpStatus} ${merged.error?.message}`)
      } else if (roll < 0.8) {
        await call(`/api/tasks/${task.id}/discard`, {})
      }
    },
    async cancelMidRun() {
      const task = await newTask(`slow-${serial++}`)
      await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 2000))
      const cancelled = await call(`/api/tasks/${task.id}/cancel`, { reason: 'soak' })
      if (cancelled.httpStatus !== 200 && cancelled.httpStatus !== 409)
        fail(`cancel: ${cancelled.httpStatus}`)
      await settle(task.id, ['cancelled'])
    },
    async readPages() {
      const { tasks } = await call(`/api/tasks?projectId=${project.id}&limit=50`)
      const some = tasks?.[Math.floor(Math.random() * tasks.length)]
      if (!some) return
      await call(`/api/tasks/${some.id}/events?limit=200`)
      await call(`/api/tasks/${some.id}/diff`)
      await call(`/api/projects/${project.id}`)
    },
    async followStream() {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/stream`, {
        headers: { authorization: `Bearer ${server.token}` },
      })
      let received = 0
      socket.on('message', () => received++)
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
      socket.send(JSON.stringify({ op: 'subscribe', projectId: project.id }))
      await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 3000))
      socket.close()
      if (received === 0) fail('a stream client got no answer to its subscription')
    },
  }
  const weights = [
    'taskToReview',
    'taskToReview',
    'taskToReview',
    'cancelMidRun',
    'readPages',
    'followStream',
  ]

  const endAt = Date.now() + options.minutes * 60_000
  const rss: number[] = []
  const sampler = setInterval(() => rss.push(rssOf(pid)), Math.min(5000, (options.minutes * 60_000) / 40))
  const worker = async () => {
    while (Date.now() < endAt) {
      const mix = weights[Math.floor(Math.random() * weights.length)]!
      try {
        await mixes[mix]!()
        count(mix)
      } catch (error) {
        fail(`${mix}: ${(error as Error).message}`)
      }
    }
  }
  const progress = setInterval(
    () =>
      options.progress?.(
        `rss ${rss.at(-1)?.toFixed(0)} MB, ${JSON.stringify(operations)}, ${failures.length} failures${failures.length ? ` (the last: ${failures.at(-1)})` : ''}`,
      ),
    60_000,
  )
  try {
    await Promise.all(Array.from({ length: options.workers ?? 6 }, worker))
  } finally {
    clearInterval(sampler)
    clearInterval(progress)
  }
  // The server's own complaints count too: anything it logged at error level.
  for (const line of server.server.output.stdout.split('\n')) {
    if (/"level":(50|60)/.test(line)) fail(`server logged: ${line.slice(0, 300)}`)
  }
  await server.close()
  const quarter = Math.floor(rss.length / 4)
  const report: SoakReport = {
    minutes: options.minutes,
    operations,
    failures,
    rss,
    rssEarly: median(rss.slice(quarter, 2 * quarter)),
    rssLate: median(rss.slice(3 * quarter)),
  }
  return report
}

// `npm run soak [-- --minutes N]`: prints the report and fails if anything failed or memory grew.
if (import.meta.main) {
  const at = process.argv.indexOf('--minutes')
  const minutes = at > 0 ? Number(process.argv[at + 1]) : 30
  if (!(minutes > 0)) {
    console.error('--minutes takes a positive number')
    process.exit(2)
  }
  console.log(`soak: ${minutes} minutes of mixed load on one server`)
  const report = await soak({ minutes, progress: (line) => console.log(`  ${line}`) })
  console.log(JSON.stringify({ ...report, rss: undefined }, null, 2))
  const grown = report.rssLate - report.rssEarly
  console.log(
    `memory: ${report.rssEarly.toFixed(0)} MB after warm-up, ${report.rssLate.toFixed(0)} MB at the end`,
  )
  process.exit(report.failures.length > 0 || grown > Math.max(40, report.rssEarly * 0.2) ? 1 : 0)
}
