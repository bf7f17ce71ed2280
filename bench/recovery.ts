// Recovery after a crash: a real `cadre serve` with 20 long scripted tasks in flight (each step a
// command of 0.3 s, against the simulator in its own process) is killed with SIGKILL and started
// again on the same home; measured from the new process being spawned until it answers, and until
// every run has resumed — a new step started in each, by its event's `at` stamped on the server.
// Beside them, in the same run: the same server's start with nothing in flight, and the same 20
// tasks' first steps when they were created on a running server.
//   node bench/recovery.ts [--runs 5] [--tasks 20]
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import { createGitRepo } from '../test/support/git-repo.ts'
import { machine, ratios, spread, table } from './support/figures.ts'
import { startModelServer } from './support/model-server.ts'
import { serveCadre, serveCadreRunning } from './support/serve-cadre.ts'
import { type EventWatch, watchEvents } from './support/watch-events.ts'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, tasks: { type: 'string', default: '20' } },
})
const runs = Number(values.runs)
const taskCount = Number(values.tasks)

const model = await startModelServer([
  {
    name: 'claude-haiku-4-5',
    rules: [
      {
        when: { turn: { max: 399 } },
        reply: [
          {
            toolCall: {
              tool: 'bash',
              input: { command: "sleep 0.3; echo '{{lastUserMessage}} step {{turn}}' >> lines.txt" },
            },
          },
        ],
      },
      { reply: [{ text: 'All lines written.' }] },
    ],
  },
])
const env = { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-ant-bench-0000000000' }

/** Per task, the `at` (ms since the epoch) of the first step started after `since` that the watch saw. */
const firstSteps = (watch: EventWatch, ids: string[], since: number) =>
  ids.map(
    (id) =>
      watch.received.find(
        ({ event }) => event.taskId === id && event.type === 'tool.started' && Date.parse(event.at) >= since,
      )?.event.at,
  )

const everyStarted = (watch: EventWatch, ids: string[], since: number) => () =>
  firstSteps(watch, ids, since).every((at) => at !== undefined)

const latest = (ats: (string | undefined)[], since: number) =>
  Math.max(...ats.map((at) => Date.parse(at!))) - since

interface Measure {
  cleanStartMs: number
  restartMs: number
  freshStepsMs: number
  resumedMs: number
}

const measure = async (): Promise<Measure> => {
  const first = await serveCadreRunning(taskCount, env)
  const repository = createGitRepo()
  const project = await first.api('/api/projects', { path: repository })
  await first.api(`/api/projects/${project.id}`, { settings: { budget: { maxSteps: 1000 } } }, 'PATCH')
  const watch = await watchEvents(first.url, true)
  await watch.subscribe(project.id)
  const created = Date.now()
  const ids = await Promise.all(
    Array.from({ length: taskCount }, async (_, i) => {
      const task = await first.api('/api/tasks', {
        projectId: project.id,
        prompt: `task-${i}`,
        model: 'anthropic:claude-haiku-4-5',
      })
      return task.id
    }),
  )
  await watch.until(everyStarted(watch, ids, created))
  const freshStepsMs = latest(firstSteps(watch, ids, created), created)
  // In flight: every task a few steps in.
  const finished = (id: string) =>
    watch.received.filter(({ event }) => event.taskId === id && event.type === 'tool.finished').length
  await watch.until(() => ids.every((id) => finished(id) >= 3))
  await watch.close()
  await first.stop({ signal: 'SIGKILL', removeHome: false })

  // What the killed server had stored, read from its database, is where each task resumes from.
  const db = new BetterSqlite(join(first.home, 'cadre.db'))
  const cursors = Object.fromEntries(
    (db.prepare('select id, last_seq from tasks').all() as { id: string; last_seq: number }[]).map((row) => [
      row.id,
      row.last_seq,
    ]),
  )
  db.close()
  const spawned = Date.now()
  const second = await serveCadre(env, first.home)
  const after = await watchEvents(second.url, true)
  await after.subscribe(project.id, cursors)
  await after.until(everyStarted(after, ids, spawned), 120_000)
  const resumedMs = latest(firstSteps(after, ids, spawned), spawned)
  await after.close()
  await second.stop()
  rmSync(join(repository, '..'), { recursive: true, force: true })
  await model.take()
  return { cleanStartMs: first.startMs, restartMs: second.startMs, freshStepsMs, resumedMs }
}

const results: Measure[] = []
for (let run = 0; run < runs; run++) {
  results.push(await measure())
  process.stderr.write(`run ${run + 1}/${runs} done\n`)
}
await model.close()

const pick = (key: keyof Measure) => results.map((m) => m[key])
console.log(machine())
console.log(`${runs} runs of ${taskCount} tasks in flight; median (min–max), milliseconds\n`)
console.log(
  table(
    ['from a new `cadre serve` spawned', `after SIGKILL, ${taskCount} runs in flight`, 'beside it', 'ratio'],
    [
      [
        'until it answers',
        spread(pick('restartMs'), 0),
        `nothing in flight: ${spread(pick('cleanStartMs'), 0)}`,
        spread(ratios(pick('restartMs'), pick('cleanStartMs')), 2),
      ],
      [
        `until all ${taskCount} runs resumed (a new step started in each)`,
        spread(pick('resumedMs'), 0),
        `${taskCount} new tasks, created → first step started in each: ${spread(pick('freshStepsMs'), 0)}`,
        spread(ratios(pick('resumedMs'), pick('freshStepsMs')), 2),
      ],
    ],
  ),
)
