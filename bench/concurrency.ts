// Many built-in sessions at once on one `cadre serve`: 1, 10, 50, 100 and 200 tasks started
// together, each a scripted session against a paced model (the simulator, in its own process).
// Measured per session count, interleaved over runs: the wall time until every task settled beside
// one session's in the same run (what keeping up means: with an unlimited machine it would not
// grow), the CPU time of the server and everything it started, the peak resident memory of the
// server and its tasks' processes, and the latency from each event's `at` (stamped by the server
// as it appends or publishes it) to its arrival on a WebSocket client subscribed to the projects.
// Prints markdown and writes docs/bench-concurrency.svg.
//   node bench/concurrency.ts [--runs 3] [--sessions 1,10,50,100,200] [--steps 5] [--latency 1000]
import { rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createGitRepo } from '../test/support/git-repo.ts'
import { processTree } from './support/cpu-group.ts'
import { cpuClock, cpuSeconds } from './support/cpu-time.ts'
import { machine, median, percentile, ratios, spread, table } from './support/figures.ts'
import { startModelServer } from './support/model-server.ts'
import { samplePeakRss } from './support/peak-rss.ts'
import { plotSvg, type Series } from './support/plot-svg.ts'
import { serveCadreRunning } from './support/serve-cadre.ts'
import { watchEvents } from './support/watch-events.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '1,10,50,100,200' },
    steps: { type: 'string', default: '5' },
    latency: { type: 'string', default: '1000' },
    plot: { type: 'string', default: join(import.meta.dirname, '..', 'docs', 'bench-concurrency.svg') },
  },
})
const runs = Number(values.runs)
const counts = values.sessions.split(',').map(Number)
const steps = Number(values.steps)
const latencyMs = Number(values.latency)

// Each step writes a new file (so each is checkpointed) after a sentence of streamed text.
const model = await startModelServer([
  {
    name: 'claude-sonnet-4-5',
    pace: { latencyMs, tokensPerSecond: 200 },
    rules: [
      {
        when: { turn: { max: steps - 1 } },
        reply: [
          { text: 'Step {{turn}}: writing the next part of the change, then I will check it.' },
          {
            toolCall: {
              tool: 'write_file',
              input: { path: 'src/step-{{turn}}.ts', content: 'export const step = {{turn}}\n'.repeat(20) },
            },
          },
        ],
      },
      { reply: [{ text: 'All parts are written.' }] },
    ],
  },
])
const env = { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-ant-bench-0000000000' }

interface Measure {
  wallS: number
  cpuS: number
  /** The simulator's CPU seconds meanwhile, to see that the model was never what held sessions back. */
  modelCpuS: number
  /** The server process's own CPU seconds (its threads, not its children): near the wall time, its event loop is full. */
  serverCpuS: number
  idleMb: number
  peakMb: number
  stored: { p50: number; p99: number }
  live: { p50: number; p99: number }
  events: number
  failed: number
}

/** `count` sessions started at once on a fresh server; returns once every one has settled. */
const measure = async (count: number): Promise<Measure> => {
  const server = await serveCadreRunning(count, env)
  const repositories = Array.from({ length: count }, () => createGitRepo())
  const watch = await watchEvents(server.url)
  const projects = await Promise.all(
    repositories.map((path) => server.api('/api/projects', { path }).then((project) => project.id)),
  )
  for (const id of projects) await watch.subscribe(id)
  const idleMb = server.rssKb('VmRSS') / 1024
  // The server and every process it starts: by its control group, else by the runs' mark.
  const tree = processTree(server.pid)
  const members = tree.procsFile ? { procsFile: tree.procsFile } : { marker: 'CADRE_RUN_ID=' }
  const memory = await samplePeakRss(members, [server.pid], 100)
  const cpuBefore = tree.read()
  const modelCpu = cpuClock({ pid: model.pid })
  const modelCpuBefore = modelCpu()
  const serverCpuBefore = cpuSeconds(server.pid).self
  const started = performance.now()
  const ids = await Promise.all(
    projects.map(
      async (projectId) =>
        (
          await server.api('/api/tasks', {
            projectId,
            prompt: 'write the parts',
            model: 'anthropic:claude-sonnet-4-5',
          })
        ).id,
    ),
  )
  const settled = (id: string) => ['review', 'done', 'failed'].includes(watch.tasks.get(id)?.status ?? '')
  await watch.until(() => ids.every(settled))
  const wallS = (performance.now() - started) / 1000
  const cpuS = tree.read() - cpuBefore
  const modelCpuS = modelCpu() - modelCpuBefore
  const serverCpuS = cpuSeconds(server.pid).self - serverCpuBefore
  const peakMb = memory.stop()
  // A session that failed is a finding, not a broken benchmark: counted, and its reason shown.
  const failed = ids.filter((id) => watch.tasks.get(id)?.status !== 'review')
  for (const id of failed.slice(0, 3)) {
    const task = watch.tasks.get(id)
    process.stderr.write(`${count} sessions: ${id} ${task?.status}: ${task?.reason ?? ''}\n`)
  }
  const { stored, live } = watch.latencies
  await watch.close()
  await server.stop()
  tree.dispose()
  await model.take()
  for (const path of repositories) rmSync(join(path, '..'), { recursive: true, force: true })
  return {
    wallS,
    cpuS,
    modelCpuS,
    serverCpuS,
    idleMb,
    peakMb,
    stored: { p50: percentile(stored, 50), p99: percentile(stored, 99) },
    live: { p50: percentile(live, 50), p99: percentile(live, 99) },
    events: stored.length,
    failed: failed.length,
  }
}

const results = new Map<number, Measure[]>(counts.map((count) => [count, []]))
for (let run = 0; run < runs; run++) {
  // Every session count once per run, so a busier stretch of the machine falls on all of them.
  for (const count of counts) {
    results.get(count)!.push(await measure(count))
    process.stderr.write(`run ${run + 1}/${runs}: ${count} sessions done\n`)
  }
}
await model.close()

const of = (count: number, pick: (m: Measure) => number) => results.get(count)!.map(pick)
// Keeping up, run by run: the time all sessions took beside the time one took in the same run.
const one = results.get(counts[0]!)!
const slowdown = (count: number) =>
  ratios(
    of(count, (m) => m.wallS),
    one.map((m) => m.wallS),
  )
const cell = (count: number, pick: (m: Measure) => number, digits: number) => spread(of(count, pick), digits)
const cores = cpus().length
console.log(machine())
console.log(
  `${runs} runs; each session ${steps} steps (text, then a file written) and a final reply, the model answering after ${latencyMs} ms at 200 tokens/s; median (min–max)\n`,
)
console.log(
  table(
    [
      'sessions',
      'all settled (s)',
      `÷ ${counts[0]} session`,
      'model steps/s',
      'CPU (s)',
      'CPU busy (% of the machine)',
      'server process CPU (% of a core)',
      'simulator CPU (% of a core)',
      'server idle RSS (MB)',
      'peak RSS, server + tasks (MB)',
      'MB per session',
      'sessions failed',
    ],
    counts.map((count) => [
      String(count),
      cell(count, (m) => m.wallS, 2),
      spread(slowdown(count), 2),
      cell(count, (m) => ((steps + 1) * count) / m.wallS, 1),
      cell(count, (m) => m.cpuS, 1),
      cell(count, (m) => (100 * m.cpuS) / (m.wallS * cores), 0),
      cell(count, (m) => (100 * m.serverCpuS) / m.wallS, 0),
      cell(count, (m) => (100 * m.modelCpuS) / m.wallS, 0),
      cell(count, (m) => m.idleMb, 0),
      cell(count, (m) => m.peakMb, 0),
      cell(count, (m) => (m.peakMb - m.idleMb) / count, 2),
      of(count, (m) => m.failed).join(', '),
    ]),
  ),
)
console.log()
console.log(
  table(
    [
      'sessions',
      'stored events received',
      'stored event → subscriber p50 (ms)',
      'p99 (ms)',
      'live event p50 (ms)',
      'p99 (ms)',
    ],
    counts.map((count) => [
      String(count),
      String(median(of(count, (m) => m.events))),
      cell(count, (m) => m.stored.p50, 1),
      cell(count, (m) => m.stored.p99, 1),
      cell(count, (m) => m.live.p50, 1),
      cell(count, (m) => m.live.p99, 1),
    ]),
  ),
)

const series = (name: string, values: (count: number) => number[]): Series => ({
  name,
  points: counts.map((count) => ({ x: count, values: values(count) })),
})
writeFileSync(
  values.plot,
  plotSvg({
    title: `Built-in sessions at once on one server (${cores} cores): median and min–max of ${runs} runs`,
    xLabel: 'sessions at once',
    panels: [
      {
        title: 'stored event → WebSocket subscriber',
        yLabel: 'ms (log scale)',
        logY: true,
        series: [
          series('p99', (count) => of(count, (m) => m.stored.p99)),
          series('p50', (count) => of(count, (m) => m.stored.p50)),
        ],
      },
      {
        title: 'peak resident memory, server + tasks',
        yLabel: 'MB',
        series: [series('peak RSS', (count) => of(count, (m) => m.peakMb))],
      },
      {
        title: 'all settled, ÷ one session',
        yLabel: 'ratio',
        series: [series('wall time ratio', slowdown)],
      },
    ],
  }),
)
process.stderr.write(`plot written to ${values.plot}\n`)
