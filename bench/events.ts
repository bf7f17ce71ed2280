// The event log on SQLite and PostgreSQL, each beside its raw driver writing the same rows on the
// same machine in the same run: persisted events/s and append latency (one transaction per append
// or per batch), append → WebSocket subscriber latency, and the replay of a 100-turn history to a
// fresh subscriber. Prints markdown; see docs/benchmarks.md.
//   node bench/events.ts [--runs 5] [--events 5000]
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import pg from 'pg'
import type { EventInput } from '../src/core/events/registry.ts'
import { ProjectSettings } from '../src/core/settings.ts'
import { commitEvents } from '../src/events/commit-events.ts'
import { createMemoryEventBus } from '../src/events/memory-event-bus.ts'
import { redactingStore } from '../src/secrets/redacting-store.ts'
import { createRedactor } from '../src/secrets/redactor.ts'
import { openPostgresStore } from '../src/store/open-postgres.ts'
import { openSqliteStore } from '../src/store/open-sqlite.ts'
import { startPostgres } from './support/embedded-postgres.ts'
import { machine, median, percentile, ratios, spread, table } from './support/figures.ts'
import { historyTurn } from './support/history-turn.ts'
import { startStreamServer } from './support/stream-server.ts'
import { watchEvents } from './support/watch-events.ts'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, events: { type: 'string', default: '5000' } },
})
const runs = Number(values.runs)
const eventCount = Number(values.events)
const batchSize = 50
const historyTurns = 100
const engines = ['sqlite', 'postgres'] as const
type Engine = (typeof engines)[number]

const event = (i: number): EventInput => ({
  type: 'message.user',
  data: { threadId: 'thr_bench', text: `event ${i}: ${'lorem ipsum '.repeat(8)}` },
})

const workDir = mkdtempSync(join(tmpdir(), 'cadre-bench-'))
let fileCounter = 0
const postgres = await startPostgres()
/** A new empty database: a SQLite file, or a database on the PostgreSQL server. */
const newDatabase = async (engine: Engine) =>
  engine === 'sqlite' ? join(workDir, `db-${fileCounter++}.sqlite`) : postgres.createDatabase()
const openStore = (engine: Engine, location: string) =>
  engine === 'sqlite' ? openSqliteStore(location) : openPostgresStore(location)

// Cadre's path includes redaction: as many known secrets as a user with several providers has.
const redactor = createRedactor(Array.from({ length: 6 }, () => randomBytes(24).toString('base64url')))

/** A store on a new database with one running task to append to (and a way to add more). */
const setUpStore = async (engine: Engine) => {
  const location = await newDatabase(engine)
  const store = redactingStore(await openStore(engine, location), redactor)
  const project = await store.projects.create({
    name: 'bench',
    path: `/bench/${fileCounter++}`,
    settings: ProjectSettings.parse({}),
  })
  const addTask = async () =>
    (
      await store.tasks.create({
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
    ).id
  return { store, taskId: await addTask(), location, addTask }
}

/** Events per second, and each append's latency in ms, through Cadre: validation, seq, commit, publish. */
const cadreAppends = async (engine: Engine, batch: number) => {
  const { store, taskId } = await setUpStore(engine)
  const bus = createMemoryEventBus()
  const latencies: number[] = []
  const started = performance.now()
  for (let i = 0; i < eventCount; i += batch) {
    const events = Array.from({ length: batch }, (_, k) => event(i + k))
    const sent = performance.now()
    await commitEvents({ store, bus }, (_session, emit) => emit(taskId, events))
    latencies.push(performance.now() - sent)
  }
  const perSecond = eventCount / ((performance.now() - started) / 1000)
  await store.close()
  return { perSecond, latencies }
}

/**
 * The floor: the same rows written by the raw driver to the same tables of a database Cadre made,
 * one transaction per append (the task's counter bumped, the rows inserted), as Cadre does.
 */
const rawAppends = async (engine: Engine, batch: number) => {
  const { store, taskId, location } = await setUpStore(engine)
  await store.close()
  const rows = (from: number) =>
    Array.from({ length: batch }, (_, k) => {
      const e = event(from + k)
      return [taskId, from + k + 1, e.type, JSON.stringify(e.data), new Date().toISOString()] as const
    })
  let append: (from: number) => Promise<void> | void
  let close: () => Promise<void> | void
  if (engine === 'sqlite') {
    const db = new BetterSqlite(location)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    const insert = db.prepare('insert into events (task_id, seq, type, data, at) values (?, ?, ?, ?, ?)')
    const bump = db.prepare('update tasks set last_seq = last_seq + ? where id = ?')
    append = db.transaction((from: number) => {
      bump.run(batch, taskId)
      for (const row of rows(from)) insert.run(...row)
    })
    close = () => {
      db.close()
    }
  } else {
    const client = new pg.Client({ connectionString: location })
    await client.connect()
    const placeholders = Array.from(
      { length: batch },
      (_, k) => `($${k * 5 + 1}, $${k * 5 + 2}, $${k * 5 + 3}, $${k * 5 + 4}, $${k * 5 + 5})`,
    ).join(', ')
    append = async (from) => {
      await client.query('begin')
      await client.query('update tasks set last_seq = last_seq + $1 where id = $2 returning last_seq', [
        batch,
        taskId,
      ])
      await client.query(
        `insert into events (task_id, seq, type, data, at) values ${placeholders}`,
        rows(from).flat(),
      )
      await client.query('commit')
    }
    close = () => client.end()
  }
  const latencies: number[] = []
  const started = performance.now()
  for (let i = 0; i < eventCount; i += batch) {
    const sent = performance.now()
    await append(i)
    latencies.push(performance.now() - sent)
  }
  const perSecond = eventCount / ((performance.now() - started) / 1000)
  await close()
  return { perSecond, latencies }
}

/**
 * On a real server over loopback: the latency from an append to the event arriving on a WebSocket
 * subscriber (1000 sequential appends), and the replay of a 100-turn history to fresh subscribers
 * (from the subscribe request to the last event), beside the raw driver reading the same rows.
 */
const stream = async (engine: Engine) => {
  const { store, taskId, location, addTask } = await setUpStore(engine)
  const bus = createMemoryEventBus()
  const server = await startStreamServer(store, bus, redactor)
  const watch = await watchEvents(server.url)
  await watch.subscribeTask(taskId)
  const latencies: number[] = []
  for (let i = 0; i < 1000; i++) {
    const sent = performance.now()
    const [stored] = await commitEvents({ store, bus }, (_session, emit) => emit(taskId, [event(i)]))
    await watch.until(() => watch.tasks.get(taskId)?.lastSeq === stored!.seq)
    latencies.push(performance.now() - sent)
  }
  await watch.close()

  // The history: a user message, then 100 turns of a reply with a command, its start and its end.
  const historyId = await addTask()
  for (let turn = 1; turn <= historyTurns; turn++) {
    await commitEvents({ store, bus }, (_session, emit) => emit(historyId, historyTurn(turn)))
  }
  const lastSeq = (await store.tasks.get(historyId))!.lastSeq
  const replays: number[] = []
  for (let i = 0; i < 3; i++) {
    const fresh = await watchEvents(server.url)
    const sent = performance.now()
    void fresh.subscribeTask(historyId)
    await fresh.until(() => fresh.tasks.get(historyId)?.lastSeq === lastSeq)
    replays.push(performance.now() - sent)
    await fresh.close()
  }
  const readMs = await rawRead(engine, location, historyId)
  await server.close()
  await store.close()
  return { latencies, replayMs: median(replays), readMs, events: lastSeq }
}

/** Milliseconds for the raw driver, connected already, to read a task's events in order (median of 3). */
const rawRead = async (engine: Engine, location: string, taskId: string) => {
  const sql = 'select seq, type, data, at from events where task_id = $1 order by seq'
  const times: number[] = []
  if (engine === 'sqlite') {
    const db = new BetterSqlite(location, { readonly: true })
    const select = db.prepare(sql.replace('$1', '?'))
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      select.all(taskId)
      times.push(performance.now() - started)
    }
    db.close()
  } else {
    const client = new pg.Client({ connectionString: location })
    await client.connect()
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      await client.query(sql, [taskId])
      times.push(performance.now() - started)
    }
    await client.end()
  }
  return median(times)
}

const figures = () => ({
  cadreSingle: [] as number[],
  rawSingle: [] as number[],
  cadreBatch: [] as number[],
  rawBatch: [] as number[],
  cadreP50: [] as number[],
  cadreP99: [] as number[],
  rawP50: [] as number[],
  rawP99: [] as number[],
  streamP50: [] as number[],
  streamP99: [] as number[],
  replayMs: [] as number[],
  readMs: [] as number[],
  historyEvents: 0,
})
const results = { sqlite: figures(), postgres: figures() }
for (let run = 0; run < runs; run++) {
  for (const engine of engines) {
    // Interleaved, so machine noise falls on both sides of each ratio alike.
    const r = results[engine]
    const rawSingle = await rawAppends(engine, 1)
    const cadreSingle = await cadreAppends(engine, 1)
    r.rawSingle.push(rawSingle.perSecond)
    r.cadreSingle.push(cadreSingle.perSecond)
    r.rawP50.push(percentile(rawSingle.latencies, 50))
    r.rawP99.push(percentile(rawSingle.latencies, 99))
    r.cadreP50.push(percentile(cadreSingle.latencies, 50))
    r.cadreP99.push(percentile(cadreSingle.latencies, 99))
    r.rawBatch.push((await rawAppends(engine, batchSize)).perSecond)
    r.cadreBatch.push((await cadreAppends(engine, batchSize)).perSecond)
    const streamed = await stream(engine)
    r.streamP50.push(percentile(streamed.latencies, 50))
    r.streamP99.push(percentile(streamed.latencies, 99))
    r.replayMs.push(streamed.replayMs)
    r.readMs.push(streamed.readMs)
    r.historyEvents = streamed.events
    process.stderr.write(`run ${run + 1}/${runs}, ${engine} done\n`)
  }
}
await postgres.stop()
rmSync(workDir, { recursive: true, force: true })

const names = { sqlite: 'SQLite', postgres: 'PostgreSQL' }
const ratio = (a: number[], b: number[]) => spread(ratios(a, b), 2)
console.log(machine())
const sqliteVersion = (
  new BetterSqlite(':memory:').prepare('select sqlite_version() as v').get() as { v: string }
).v
console.log(
  `SQLite ${sqliteVersion} (WAL, synchronous=NORMAL) via better-sqlite3; PostgreSQL ${postgres.version} (embedded-postgres, fsync on) via pg; ${runs} runs of ${eventCount} events; median (min–max)\n`,
)
console.log(
  table(
    ['persisted events/s', 'Cadre', 'raw driver', 'Cadre ÷ raw'],
    engines.flatMap((engine) => {
      const r = results[engine]
      return [
        [
          `${names[engine]}, one per append`,
          spread(r.cadreSingle, 0),
          spread(r.rawSingle, 0),
          ratio(r.cadreSingle, r.rawSingle),
        ],
        [
          `${names[engine]}, batches of ${batchSize}`,
          spread(r.cadreBatch, 0),
          spread(r.rawBatch, 0),
          ratio(r.cadreBatch, r.rawBatch),
        ],
      ]
    }),
  ),
)
console.log()
console.log(
  table(
    ['append latency, one event (ms)', 'Cadre p50', 'Cadre p99', 'raw p50', 'raw p99', 'Cadre ÷ raw, p50'],
    engines.map((engine) => {
      const r = results[engine]
      return [
        names[engine],
        spread(r.cadreP50, 2),
        spread(r.cadreP99, 2),
        spread(r.rawP50, 2),
        spread(r.rawP99, 2),
        ratio(r.cadreP50, r.rawP50),
      ]
    }),
  ),
)
console.log()
console.log(
  table(
    ['append → WebSocket subscriber, 1000 sequential appends', 'p50 ms', 'p99 ms'],
    engines.map((engine) => [
      names[engine],
      spread(results[engine].streamP50, 2),
      spread(results[engine].streamP99, 2),
    ]),
  ),
)
console.log()
console.log(
  table(
    [
      `replay of a ${historyTurns}-turn history to a fresh subscriber`,
      'events',
      'subscribe → last event (ms)',
      'raw driver reads the rows (ms)',
      'Cadre ÷ raw',
    ],
    engines.map((engine) => {
      const r = results[engine]
      return [
        names[engine],
        String(r.historyEvents),
        spread(r.replayMs, 1),
        spread(r.readMs, 1),
        ratio(r.replayMs, r.readMs),
      ]
    }),
  ),
)
