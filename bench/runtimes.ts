// Agent harness overhead: the same scripted sessions — two turns (a command, then a reply) and
// twenty steps (a command each, then a reply) — through every runtime: each agent CLI on its own,
// the same CLI driven by Cadre, and Cadre's built-in agent; the floor is the same model requests
// sent straight to the model. Wall time, CPU time, peak resident memory and the bytes each step
// sends to the model, as medians over several runs, interleaved, and as ratios taken run by run.
// All model traffic goes to Cadre's simulator, in a process of its own behind a counting front.
//   node bench/runtimes.ts [--runs 3] [--agents claude-code,codex,gemini,opencode,builtin]
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseModelId } from '../src/models/model-id.ts'
import type { ScenarioInput } from '../src/sim/scenario.ts'
import { createGitRepo } from '../test/support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../test/support/install-test-agents.ts'
import { runRuntime, testRuntimes } from '../test/support/run-runtime.ts'
import { processTree } from './support/cpu-group.ts'
import { cpuClock } from './support/cpu-time.ts'
import { machine, median, ratios, spread, table } from './support/figures.ts'
import { type ModelExchange, startModelServer } from './support/model-server.ts'
import { samplePeakRss } from './support/peak-rss.ts'
import { serveCadre } from './support/serve-cadre.ts'
import { watchEvents } from './support/watch-events.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    agents: { type: 'string', default: 'claude-code,codex,gemini,opencode,builtin' },
  },
})
const runs = Number(values.runs)

type Shell = (command: string) => { tool: string; input: Record<string, unknown> }
// Each runtime on a model of its own (the simulator picks the scenario by the model's name).
const allAgents: { name: string; id: string; shell: Shell }[] = [
  {
    name: 'claude-code',
    id: 'anthropic:claude-sonnet-4-5',
    shell: (command) => ({ tool: 'Bash', input: { command } }),
  },
  { name: 'codex', id: 'openai:gpt-5.5', shell: (cmd) => ({ tool: 'exec_command', input: { cmd } }) },
  {
    name: 'gemini',
    id: 'google:gemini-2.5-pro',
    shell: (command) => ({ tool: 'run_shell_command', input: { command } }),
  },
  {
    name: 'opencode',
    id: 'anthropic:claude-haiku-4-5',
    shell: (command) => ({ tool: 'bash', input: { command, description: 'append' } }),
  },
  {
    name: 'builtin',
    id: 'anthropic:claude-opus-4-5',
    shell: (command) => ({ tool: 'bash', input: { command } }),
  },
]
const agents = allAgents.filter((agent) => values.agents.split(',').includes(agent.name))

const sessions = [
  { name: 'two-turn', prompt: 'write out.txt' },
  { name: '20-step', prompt: 'append twenty steps to steps.txt' },
]

// The prompt picks the session: twenty commands, each appending its own line, or one command.
const scenario = (agent: { id: string; shell: Shell }): ScenarioInput => ({
  name: parseModelId(agent.id).model,
  rules: [
    {
      when: { lastUserMessage: { contains: 'twenty steps' }, turn: { max: 19 } },
      reply: [{ text: 'Step {{turn}}.' }, { toolCall: agent.shell('echo step {{turn}} >> steps.txt') }],
    },
    {
      when: { lastUserMessage: { contains: 'out.txt' }, toolResult: 'none' },
      reply: [{ text: 'Writing.' }, { toolCall: agent.shell('echo hi > out.txt') }],
    },
    { reply: [{ text: 'Done.' }] },
  ],
})

installTestAgents(agents.filter((agent) => agent.name !== 'builtin').map((agent) => agent.name))
const runtimes = testRuntimes()
const model = await startModelServer(agents.map(scenario))

interface Measure {
  ms: number
  cpuS: number
  peakMb: number
  exchanges: ModelExchange[]
}

/** The CLI alone: its adapter runs it in a plain directory, nothing recorded. */
const alone = async (agent: (typeof agents)[number], prompt: string): Promise<Measure> => {
  const dir = createGitRepo()
  const [name, value] = [`CADRE_BENCH_RUN`, randomUUID()]
  const memory = await samplePeakRss({ marker: `${name}=${value}` })
  const cpuBefore = aloneCpu()
  const started = performance.now()
  const actions = await runRuntime(runtimes.get(agent.name)!, {
    dir,
    modelId: agent.id,
    simUrl: model.url,
    prompt,
    env: { [name]: value },
  })
  const ms = performance.now() - started
  const cpuS = aloneCpu() - cpuBefore
  const peakMb = memory.stop()
  const failed = actions.find((action) => action.type === 'error')
  if (failed?.type === 'error') throw new Error(`${agent.name}: ${failed.message}`)
  rmSync(join(dir, '..'), { recursive: true, force: true })
  return { ms, cpuS, peakMb, exchanges: await modelSteps() }
}

/** The model requests since the last call, bodies kept; a listing of the models is no step. */
const modelSteps = async () => (await model.take({ bodies: true })).filter((e) => e.method === 'POST')

/** A `cadre serve` that finds the test agents on its PATH and reaches the simulator. */
const server = await serveCadre({
  PATH: `${testAgentsBin}:${process.env.PATH}`,
  ANTHROPIC_BASE_URL: model.url,
  ANTHROPIC_API_KEY: 'sk-ant-bench-0000000000',
  OPENAI_BASE_URL: `${model.url}/v1`,
  OPENAI_API_KEY: 'sk-bench-0000000000000000',
  GOOGLE_GEMINI_BASE_URL: model.url,
  GEMINI_API_KEY: 'bench-gemini-key-000000',
})
const { api } = server
await model.take()
// CPU clocks: the server and all it starts; and, alone, this thread (the adapter, Claude Code's
// SDK) with everything this process starts from now on, but none of its other threads (the
// memory sampler's): this process's group, less this process, plus this thread.
const serverTree = processTree(server.pid)
const benchTree = processTree(process.pid)
const processCpu = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
const threadCpu = cpuClock({ thread: true })
const aloneCpu = () => benchTree.read() - processCpu() + threadCpu()

/**
 * The same session as a Cadre task, from creation to settled (known from the event stream, so no
 * polling loads the server). CPU and memory are the server's and those of every process the run
 * started: memory by their run mark, CPU by the server's control group (cpu-group.ts).
 */
const throughCadre = async (agent: { name: string; id: string }, prompt: string): Promise<Measure> => {
  const project = await api('/api/projects', { path: createGitRepo() })
  const watch = await watchEvents(server.url)
  await watch.subscribe(project.id)
  // Memory: the server's processes by its control group, else by the runs' mark (which would
  // also count other Cadre servers' runs on the machine).
  const members = serverTree.procsFile ? { procsFile: serverTree.procsFile } : { marker: 'CADRE_RUN_ID=' }
  const memory = await samplePeakRss(members, [server.pid])
  const cpuBefore = serverTree.read()
  const started = performance.now()
  const { id } = await api('/api/tasks', {
    projectId: project.id,
    prompt,
    agent: agent.name,
    model: agent.id,
  })
  await watch.until(() => ['review', 'done', 'failed'].includes(watch.tasks.get(id)?.status ?? ''))
  const ms = performance.now() - started
  const cpuS = serverTree.read() - cpuBefore
  const peakMb = memory.stop()
  await watch.close()
  const task = await api(`/api/tasks/${id}`)
  if (task.status !== 'review') throw new Error(`${agent.name} task ${task.status}: ${task.statusReason}`)
  return { ms, cpuS, peakMb, exchanges: await modelSteps() }
}

/** The floor: the requests the agent made, sent again straight to the model, one after the other. */
const floor = async (exchanges: ModelExchange[]) => {
  const cpu = cpuClock({ thread: true })
  const cpuBefore = cpu()
  const started = performance.now()
  await model.replay(exchanges)
  const measure = { ms: performance.now() - started, cpuS: cpu() - cpuBefore }
  await model.take()
  return measure
}

interface Row {
  agent: string
  session: string
  alone: Measure[]
  cadre: Measure[]
  floor: { ms: number; cpuS: number }[]
}
const rows: Row[] = agents.flatMap((agent) =>
  sessions.map((session) => ({ agent: agent.name, session: session.name, alone: [], cadre: [], floor: [] })),
)
// Runs outermost: each run measures every runtime and session once, so a busy stretch of the
// machine falls on all of them, and ratios between runtimes are taken within a run too.
for (let run = 0; run < runs; run++) {
  for (const agent of agents) {
    for (const session of sessions) {
      const row = rows.find((r) => r.agent === agent.name && r.session === session.name)!
      if (agent.name === 'builtin') row.cadre.push(await throughCadre(agent, session.prompt))
      // Alternating which goes first, so neither is always the warm one.
      else if (run % 2 === 0) {
        row.alone.push(await alone(agent, session.prompt))
        row.cadre.push(await throughCadre(agent, session.prompt))
      } else {
        row.cadre.push(await throughCadre(agent, session.prompt))
        row.alone.push(await alone(agent, session.prompt))
      }
      row.floor.push(await floor((row.alone.at(-1) ?? row.cadre.at(-1)!).exchanges))
      process.stderr.write(`run ${run + 1}/${runs}: ${agent.name} ${session.name} done\n`)
    }
  }
}
await server.stop()
await model.close()
serverTree.dispose()
benchTree.dispose()

const none = '—'
const bytes = (m: Measure) => m.exchanges.reduce((sum, e) => sum + e.bytes, 0)
const perStep = (m: Measure) => bytes(m) / m.exchanges.length
const lastBytes = (m: Measure) => m.exchanges.at(-1)?.bytes ?? 0
const aloneOr = (row: Row, text: () => string) => (row.alone.length ? text() : none)
const ratio = (a: number[], b: number[], digits = 2) => median(ratios(a, b)).toFixed(digits)
const pick = (measures: readonly { ms: number; cpuS: number }[], key: 'ms' | 'cpuS') =>
  measures.map((m) => m[key])
const name = (row: Row) => [row.agent, row.session]

console.log(machine())
console.log(
  `CPU time counted by ${serverTree.exact ? 'control group (every process started)' : "processes' own and reaped children's times"}; ${runs} runs; median (min–max); ratios are medians of the runs' own ratios. The floor replays the requests the CLI made alone (the built-in agent: those it made under Cadre) straight to the model.\n`,
)
console.log('Wall time, ms\n')
console.log(
  table(
    [
      'runtime',
      'session',
      'model requests alone (floor)',
      'CLI alone',
      'driven by Cadre',
      'Cadre ÷ alone',
      'Cadre ÷ floor',
    ],
    rows.map((row) => [
      ...name(row),
      spread(pick(row.floor, 'ms'), 0),
      aloneOr(row, () => spread(pick(row.alone, 'ms'), 0)),
      spread(pick(row.cadre, 'ms'), 0),
      aloneOr(row, () => ratio(pick(row.cadre, 'ms'), pick(row.alone, 'ms'))),
      ratio(pick(row.cadre, 'ms'), pick(row.floor, 'ms'), 1),
    ]),
  ),
)
console.log('\nCPU time, seconds (user + system)\n')
console.log(
  table(
    [
      'runtime',
      'session',
      'model requests alone (floor)',
      'CLI alone',
      'driven by Cadre (server + agent)',
      'Cadre ÷ alone',
    ],
    rows.map((row) => [
      ...name(row),
      spread(pick(row.floor, 'cpuS'), 2),
      aloneOr(row, () => spread(pick(row.alone, 'cpuS'), 2)),
      spread(pick(row.cadre, 'cpuS'), 2),
      aloneOr(row, () => ratio(pick(row.cadre, 'cpuS'), pick(row.alone, 'cpuS'))),
    ]),
  ),
)
console.log('\nPeak resident memory, MB\n')
console.log(
  table(
    ['runtime', 'session', 'CLI alone', 'driven by Cadre (server + agent)', 'Cadre ÷ alone'],
    rows.map((row) => [
      ...name(row),
      aloneOr(row, () =>
        spread(
          row.alone.map((m) => m.peakMb),
          0,
        ),
      ),
      spread(
        row.cadre.map((m) => m.peakMb),
        0,
      ),
      aloneOr(row, () =>
        ratio(
          row.cadre.map((m) => m.peakMb),
          row.alone.map((m) => m.peakMb),
        ),
      ),
    ]),
  ),
)
console.log('\nSent to the model: requests per session and request body bytes per step (per request)\n')
console.log(
  table(
    [
      'runtime',
      'session',
      'requests alone',
      'requests driven by Cadre',
      'bytes per step alone',
      'bytes per step driven by Cadre',
      'Cadre ÷ alone',
      'last request, alone / driven by Cadre',
    ],
    rows.map((row) => [
      ...name(row),
      aloneOr(row, () => String(median(row.alone.map((m) => m.exchanges.length)))),
      String(median(row.cadre.map((m) => m.exchanges.length))),
      aloneOr(row, () => spread(row.alone.map(perStep), 0)),
      spread(row.cadre.map(perStep), 0),
      aloneOr(row, () => ratio(row.cadre.map(perStep), row.alone.map(perStep))),
      `${aloneOr(row, () => String(median(row.alone.map(lastBytes))))} / ${median(row.cadre.map(lastBytes))}`,
    ]),
  ),
)

// The summary: on the longer session, Cadre's built-in agent against each CLI on its own, and what
// driving each CLI through Cadre costs it, as medians of the runs' own ratios.
const longest = sessions.at(-1)!.name
const builtinRow = rows.find((row) => row.agent === 'builtin' && row.session === longest)
const measures = {
  'wall time': (m: Measure) => m.ms,
  'CPU time': (m: Measure) => m.cpuS,
  'peak memory': (m: Measure) => m.peakMb,
  'bytes per step': perStep,
}
const summary = (label: (row: Row) => string, over: (row: Row) => Measure[]) =>
  rows
    .filter((row) => row.session === longest && row.alone.length > 0)
    .map((row) => [
      label(row),
      ...Object.values(measures).map((of) => ratio(over(row).map(of), row.alone.map(of))),
    ])
console.log(`\nSummary, ${longest} session: ratios to the CLI on its own (below 1: less)\n`)
console.log(
  table(
    ['compared', ...Object.keys(measures)],
    [
      ...(builtinRow
        ? summary(
            (row) => `Cadre's built-in agent ÷ ${row.agent} alone`,
            () => builtinRow.cadre,
          )
        : []),
      ...summary(
        (row) => `${row.agent} driven by Cadre ÷ ${row.agent} alone`,
        (row) => row.cadre,
      ),
    ],
  ),
)
