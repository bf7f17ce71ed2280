// Event-log throughput and latency on SQLite, side by side with raw better-sqlite3 inserts of the
// same rows on the same machine in the same run. Prints a markdown table; see docs/benchmarks.md.
//   npm run bench              (or: node bench/events.ts --runs 5 --events 5000)
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import { pino } from 'pino'
import WebSocket from 'ws'
import type { EventInput } from '../src/core/events/registry.ts'
import { ProjectSettings } from '../src/core/settings.ts'
import { commitEvents } from '../src/events/commit-events.ts'
import { createMemoryEventBus } from '../src/events/memory-event-bus.ts'
import { createModelLayer } from '../src/models/create-model-layer.ts'
import { createWorktreeSandboxes } from '../src/sandbox/worktree-sandboxes.ts'
import { redactingStore } from '../src/secrets/redacting-store.ts'
import { createRedactor } from '../src/secrets/redactor.ts'
import { createSecretBox } from '../src/secrets/secret-box.ts'
import { startServer } from '../src/server/start-server.ts'
import { openSqliteStore } from '../src/store/open-sqlite.ts'
import { createWebhookDeliveries } from '../src/webhooks/webhook-deliveries.ts'
import { machine, spread } from './support/figures.ts'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, events: { type: 'string', default: '5000' } },
})
const runs = Number(values.runs)
const eventCount = Number(values.events)
const batchSize = 50

const event = (i: number): EventInput => ({
  type: 'message.user',
  data: { threadId: 'thr_bench', text: `event ${i}: ${'lorem ipsum '.repeat(8)}` },
})

const workDir = mkdtempSync(join(tmpdir(), 'cadre-bench-'))
let fileCounter = 0
const freshFile = () => join(workDir, `db-${fileCounter++}.sqlite`)

// Cadre's path includes redaction: as many known secrets as a user with several providers has.
const redactor = createRedactor(Array.from({ length: 6 }, () => randomBytes(24).toString('base64url')))

const setUpStore = async () => {
  const store = redactingStore(await openSqliteStore(freshFile()), redactor)
  const project = await store.projects.create({
    name: 'bench',
    path: `/bench/${fileCounter}`,
    settings: ProjectSettings.parse({}),
  })
  const task = await store.tasks.create({
    projectId: project.id,
    title: 'bench',
    prompt: 'bench',
    status: 'running',
    agent: 'builtin',
    model: null,
    mode: 'auto',
    branch: 'cadre/bench',
    baseBranch: null,
  })
  return { store, taskId: task.id }
}

/** Events per second through Cadre's own path: validation, seq assignment, commit, publish. */
const cadreThroughput = async (batch: number) => {
  const { store, taskId } = await setUpStore()
  const bus = createMemoryEventBus()
  const started = performance.now()
  for (let i = 0; i < eventCount; i += batch) {
    const events = Array.from({ length: batch }, (_, k) => event(i + k))
    await commitEvents({ store, bus }, (_session, emit) => emit(taskId, events))
  }
  const seconds = (performance.now() - started) / 1000
  await store.close()
  return eventCount / seconds
}

/** The floor: the same rows inserted by better-sqlite3 directly, with the same pragmas and table. */
const rawThroughput = async (batch: number) => {
  const file = freshFile()
  await (await openSqliteStore(file)).close()
  const db = new BetterSqlite(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(
    "insert into projects values ('p','p','/p','{}','t','t'); insert into tasks (id, project_id, title, prompt, status, agent, mode, created_at, updated_at) values ('t','p','t','t','running','builtin','auto','t','t')",
  )
  const insert = db.prepare('insert into events (task_id, seq, type, data, at) values (?, ?, ?, ?, ?)')
  const bump = db.prepare('update tasks set last_seq = last_seq + ? where id = ?')
  const write = db.transaction((from: number) => {
    bump.run(batch, 't')
    for (let k = 0; k < batch; k++) {
      const e = event(from + k)
      insert.run('t', from + k + 1, e.type, JSON.stringify(e.data), new Date().toISOString())
    }
  })
  const started = performance.now()
  for (let i = 0; i < eventCount; i += batch) write(i)
  const seconds = (performance.now() - started) / 1000
  db.close()
  return eventCount / seconds
}

/** Append-to-subscriber latency: from the append call to the event arriving on a WebSocket client. */
const streamLatencies = async (samples: number) => {
  const { store, taskId } = await setUpStore()
  const bus = createMemoryEventBus()
  const token = 'bench-token-0123456789'
  redactor.add(token)
  const home = mkdtempSync(join(tmpdir(), 'cadre-bench-home-'))
  const box = createSecretBox(randomBytes(32))
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token,
    allowedHosts: [],
    store,
    bus,
    sandboxes: createWorktreeSandboxes({ home, root: join(home, 'worktrees') }),
    home,
    log: pino({ level: 'silent' }),
    version: 'bench',
    redactor,
    // No build runs here: nothing to wake.
    wakeBuilds: () => {},
    box,
    webhooks: createWebhookDeliveries({ store, box, log: pino({ level: 'silent' }) }),
    ...createModelLayer({ store, box, redactor, env: {} }),
  })
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/stream`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await new Promise((resolve) => socket.once('open', resolve))
  const arrivals = new Map<number, number>()
  let notify = () => {}
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString())
    if (message.kind === 'event') arrivals.set(message.event.seq, performance.now())
    if (message.kind === 'subscribed' || message.kind === 'event') notify()
  })
  const next = () => new Promise<void>((resolve) => (notify = resolve))
  const subscribed = next()
  socket.send(JSON.stringify({ op: 'subscribe', taskId, after: 0 }))
  await subscribed
  const latencies: number[] = []
  for (let i = 0; i < samples; i++) {
    const arrived = next()
    const sent = performance.now()
    const [stored] = await commitEvents({ store, bus }, (_session, emit) => emit(taskId, [event(i)]))
    await arrived
    latencies.push(arrivals.get(stored!.seq)! - sent)
  }
  socket.close()
  await server.close()
  await store.close()
  return latencies.sort((a, b) => a - b)
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

const results = {
  cadreSingle: [] as number[],
  rawSingle: [] as number[],
  cadreBatch: [] as number[],
  rawBatch: [] as number[],
}
const p50s: number[] = []
const p99s: number[] = []
for (let run = 0; run < runs; run++) {
  // Interleaved, so machine noise falls on both sides of each ratio alike.
  results.rawSingle.push(await rawThroughput(1))
  results.cadreSingle.push(await cadreThroughput(1))
  results.rawBatch.push(await rawThroughput(batchSize))
  results.cadreBatch.push(await cadreThroughput(batchSize))
  const latencies = await streamLatencies(1000)
  p50s.push(percentile(latencies, 50))
  p99s.push(percentile(latencies, 99))
  process.stderr.write(`run ${run + 1}/${runs} done\n`)
}
rmSync(workDir, { recursive: true, force: true })

const ratio = (cadre: number[], raw: number[]) => {
  const ratios = cadre.map((c, i) => c / raw[i]!)
  return spread(ratios, 2)
}
console.log(machine())
console.log(`${runs} runs of ${eventCount} events; median (min–max)\n`)
console.log('| measure | Cadre | raw better-sqlite3 | Cadre ÷ raw |')
console.log('| --- | --- | --- | --- |')
console.log(
  `| events/s, one per append | ${spread(results.cadreSingle, 0)} | ${spread(results.rawSingle, 0)} | ${ratio(results.cadreSingle, results.rawSingle)} |`,
)
console.log(
  `| events/s, batches of ${batchSize} | ${spread(results.cadreBatch, 0)} | ${spread(results.rawBatch, 0)} | ${ratio(results.cadreBatch, results.rawBatch)} |`,
)
console.log(`\n| append → WebSocket subscriber | p50 ms | p99 ms |`)
console.log('| --- | --- | --- |')
console.log(`| SQLite, 1000 sequential appends per run | ${spread(p50s, 2)} | ${spread(p99s, 2)} |`)
