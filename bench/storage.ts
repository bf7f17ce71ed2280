// Storage growth: a busy built-in session (a model reply every second — text, then a file written
// or a command with output — for 20 steps) through a real `cadre serve`, on SQLite and on
// PostgreSQL. The database's size is taken before the task and after it settled (SQLite: the
// file and its WAL once the server has stopped; PostgreSQL: pg_database_size), and divided by the
// events stored; the JSON of those events as the API returns them is the comparison (what the
// log holds, without rows, keys, indexes or pages). Per agent-hour: the bytes per event times the
// events per second measured in the session, times 3,600; the git objects its checkpoints added to
// the repository likewise.   node bench/storage.ts [--runs 3] [--steps 20] [--latency 1000]
import { execFileSync } from 'node:child_process'
import { existsSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createGitRepo } from '../test/support/git-repo.ts'
import { startPostgres } from './support/embedded-postgres.ts'
import { machine, ratios, spread, table } from './support/figures.ts'
import { startModelServer } from './support/model-server.ts'
import { serveCadre } from './support/serve-cadre.ts'
import { watchEvents } from './support/watch-events.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    steps: { type: 'string', default: '20' },
    latency: { type: 'string', default: '1000' },
  },
})
const runs = Number(values.runs)
const steps = Number(values.steps)
const latencyMs = Number(values.latency)

const model = await startModelServer([
  {
    name: 'claude-sonnet-4-5',
    pace: { latencyMs, tokensPerSecond: 0 },
    // A module written, then a command printing a screenful to check it, and so on; then a summary.
    rules: [
      {
        when: { turn: { max: steps - 1 }, toolResult: 'none' },
        reply: [
          {
            text: 'Reading the task: I will write the module first, then run the checks and fix what fails.',
          },
          {
            toolCall: {
              tool: 'write_file',
              input: { path: 'src/module-{{turn}}.ts', content: 'export const part = {{turn}}\n'.repeat(40) },
            },
          },
        ],
      },
      {
        when: { turn: { max: steps - 1 }, lastToolResult: { contains: 'wrote' } },
        reply: [
          { text: 'Written. Now the checks for this module, to see that it holds together.' },
          {
            toolCall: {
              tool: 'bash',
              input: { command: 'for i in $(seq 1 40); do echo "check {{turn}}.$i passed"; done' },
            },
          },
        ],
      },
      {
        when: { turn: { max: steps - 1 } },
        reply: [
          { text: 'The checks pass. On to the next module, written the same way.' },
          {
            toolCall: {
              tool: 'write_file',
              input: { path: 'src/module-{{turn}}.ts', content: 'export const part = {{turn}}\n'.repeat(40) },
            },
          },
        ],
      },
      { reply: [{ text: 'Every module is written and its checks pass.' }] },
    ],
  },
])
const postgres = await startPostgres()
const env = { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-ant-bench-0000000000' }
const engines = ['SQLite', 'PostgreSQL'] as const

const bytesOnDisk = (paths: string[]) =>
  paths.reduce((sum, path) => sum + (existsSync(path) ? statSync(path).size : 0), 0)
const gitBytes = (repository: string) =>
  Number(execFileSync('du', ['-sb', join(repository, '.git')], { encoding: 'utf8' }).split('\t')[0])

const pgSize = async (url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const { rows } = await client.query('select pg_database_size(current_database()) as size')
  await client.end()
  return Number(rows[0].size)
}

interface Measure {
  events: number
  dbBytes: number
  jsonBytes: number
  gitBytes: number
  seconds: number
}

const measure = async (engine: (typeof engines)[number]): Promise<Measure> => {
  const databaseUrl = engine === 'PostgreSQL' ? await postgres.createDatabase() : undefined
  const withDatabase = databaseUrl ? { ...env, DATABASE_URL: databaseUrl } : env
  const repository = createGitRepo()
  // A first server makes the database and the project; its size is taken with the server stopped.
  const first = await serveCadre(withDatabase)
  const project = await first.api('/api/projects', { path: repository })
  await first.stop({ removeHome: false })
  const files = ['cadre.db', 'cadre.db-wal'].map((name) => join(first.home, name))
  const size = () => (databaseUrl ? pgSize(databaseUrl) : bytesOnDisk(files))
  const dbBefore = await size()
  const gitBefore = gitBytes(repository)

  const server = await serveCadre(withDatabase, first.home)
  const watch = await watchEvents(server.url)
  await watch.subscribe(project.id)
  const started = performance.now()
  const { id } = await server.api('/api/tasks', {
    projectId: project.id,
    prompt: 'write the modules',
    model: 'anthropic:claude-sonnet-4-5',
  })
  await watch.until(() => ['review', 'done', 'failed'].includes(watch.tasks.get(id)?.status ?? ''))
  const seconds = (performance.now() - started) / 1000
  await watch.close()
  const { events } = (await server.api(`/api/tasks/${id}/events?limit=5000`)) as unknown as {
    events: unknown[]
  }
  await server.stop({ removeHome: false })
  const measured = {
    events: events.length,
    dbBytes: (await size()) - dbBefore,
    jsonBytes: events.reduce<number>((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0),
    gitBytes: gitBytes(repository) - gitBefore,
    seconds,
  }
  await model.take()
  for (const path of [first.home, join(repository, '..')]) rmSync(path, { recursive: true, force: true })
  return measured
}

const results = new Map<string, Measure[]>(engines.map((engine) => [engine, []]))
for (let run = 0; run < runs; run++) {
  for (const engine of engines) {
    results.get(engine)!.push(await measure(engine))
    process.stderr.write(`run ${run + 1}/${runs}, ${engine} done\n`)
  }
}
await postgres.stop()
await model.close()

const perHourMb = (bytes: number, m: Measure) =>
  ((bytes / m.events) * (m.events / m.seconds) * 3600) / 2 ** 20
console.log(machine())
console.log(
  `${runs} runs; a session of ${steps} steps, the model answering after ${latencyMs} ms; median (min–max)\n`,
)
console.log(
  table(
    [
      'database',
      'events stored',
      'events/s in the session',
      'database growth, bytes per event',
      'event JSON, bytes per event',
      'growth ÷ JSON',
      'database per agent-hour (MB)',
    ],
    engines.map((engine) => {
      const r = results.get(engine)!
      return [
        engine,
        spread(
          r.map((m) => m.events),
          0,
        ),
        spread(
          r.map((m) => m.events / m.seconds),
          2,
        ),
        spread(
          r.map((m) => m.dbBytes / m.events),
          0,
        ),
        spread(
          r.map((m) => m.jsonBytes / m.events),
          0,
        ),
        spread(
          ratios(
            r.map((m) => m.dbBytes),
            r.map((m) => m.jsonBytes),
          ),
          2,
        ),
        spread(
          r.map((m) => perHourMb(m.dbBytes, m)),
          1,
        ),
      ]
    }),
  ),
)
const all = [...results.values()].flat()
console.log()
console.log(
  table(
    ['git checkpoints (either database)', 'bytes per step', 'per agent-hour (MB)'],
    [
      [
        `repository .git growth, ${steps} steps`,
        spread(
          all.map((m) => m.gitBytes / steps),
          0,
        ),
        spread(
          all.map((m) => perHourMb(m.gitBytes, m)),
          1,
        ),
      ],
    ],
  ),
)
