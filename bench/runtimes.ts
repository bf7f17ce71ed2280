// The same two-turn scenario (a command that writes a file, then a reply) through every runtime:
// each agent CLI on its own, the same CLI driven by Cadre, and Cadre's built-in agent. Wall time
// and peak resident memory, as medians over several runs and as ratios.   node bench/runtimes.ts
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseModelId } from '../src/models/model-id.ts'
import type { ScenarioInput } from '../src/sim/scenario.ts'
import { startSimulator } from '../src/sim/start-simulator.ts'
import { createGitRepo } from '../test/support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../test/support/install-test-agents.ts'
import { runRuntime, testRuntimes } from '../test/support/run-runtime.ts'
import { machine, median, spread } from './support/figures.ts'
import { samplePeakRss } from './support/peak-rss.ts'
import { serveCadre } from './support/serve-cadre.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } })
const runs = Number(values.runs)

type Shell = (command: string) => { tool: string; input: Record<string, unknown> }
// Each runtime on a model of its own (the simulator picks the scenario by the model's name).
const agents: { name: string; id: string; shell: Shell }[] = [
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
    shell: (command) => ({ tool: 'bash', input: { command, description: 'write' } }),
  },
]
const builtin = {
  name: 'builtin',
  id: 'anthropic:claude-opus-4-5',
  shell: ((command) => ({ tool: 'bash', input: { command } })) as Shell,
}

const twoTurn = (agent: { id: string; shell: Shell }): ScenarioInput => ({
  name: parseModelId(agent.id).model,
  rules: [
    {
      when: { toolResult: 'none' },
      reply: [{ text: 'Writing.' }, { toolCall: agent.shell('echo hi > out.txt') }],
    },
    { reply: [{ text: 'Done.' }] },
  ],
})

installTestAgents(agents.map((agent) => agent.name))
const runtimes = testRuntimes()
const sim = await startSimulator({ scenarios: [...agents, builtin].map(twoTurn) })

interface Measure {
  ms: number
  peakMb: number
}

/** The CLI alone: its adapter runs it in a plain directory, nothing recorded. */
const alone = async (agent: (typeof agents)[number]): Promise<Measure> => {
  const dir = createGitRepo()
  const marker = `CADRE_BENCH_RUN=${randomUUID()}`
  const memory = samplePeakRss(marker)
  const started = performance.now()
  const actions = await runRuntime(runtimes.get(agent.name)!, {
    dir,
    modelId: agent.id,
    simUrl: sim.url,
    prompt: 'write out.txt',
    env: { [marker.split('=')[0]!]: marker.split('=')[1]! },
  })
  const ms = performance.now() - started
  const peakMb = memory.stop()
  const failed = actions.find((action) => action.type === 'error')
  if (failed?.type === 'error') throw new Error(`${agent.name}: ${failed.message}`)
  rmSync(join(dir, '..'), { recursive: true, force: true })
  return { ms, peakMb }
}

/** A `cadre serve` that finds the test agents on its PATH and reaches the simulator. */
const server = await serveCadre({
  PATH: `${testAgentsBin}:${process.env.PATH}`,
  ANTHROPIC_BASE_URL: sim.url,
  ANTHROPIC_API_KEY: 'sk-ant-bench-0000000000',
  OPENAI_BASE_URL: `${sim.url}/v1`,
  OPENAI_API_KEY: 'sk-bench-0000000000000000',
  GOOGLE_GEMINI_BASE_URL: sim.url,
  GEMINI_API_KEY: 'bench-gemini-key-000000',
})
const { api } = server

/**
 * The same scenario as a Cadre task, from creation to settled; memory is the server's and that of
 * every process the run started (they carry its mark).
 */
const throughCadre = async (agent: { name: string; id: string }): Promise<Measure> => {
  const project = await api('/api/projects', { path: createGitRepo() })
  const memory = samplePeakRss('CADRE_RUN_ID=', [server.pid])
  const started = performance.now()
  const { id } = await api('/api/tasks', {
    projectId: project.id,
    prompt: 'write out.txt',
    agent: agent.name,
    model: agent.id,
  })
  for (;;) {
    const task = await api(`/api/tasks/${id}`)
    if (['review', 'done', 'failed'].includes(task.status)) {
      if (task.status === 'failed') throw new Error(`${agent.name} task failed: ${task.statusReason}`)
      return { ms: performance.now() - started, peakMb: memory.stop() }
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const rows: string[] = []
const mb = (values: number[]) => spread(values, 0)
for (const agent of agents) {
  const own: Measure[] = []
  const cadre: Measure[] = []
  for (let run = 0; run < runs; run++) {
    // Alternating which goes first, so neither is always the warm one.
    if (run % 2 === 0) {
      own.push(await alone(agent))
      cadre.push(await throughCadre(agent))
    } else {
      cadre.push(await throughCadre(agent))
      own.push(await alone(agent))
    }
    process.stderr.write(`${agent.name} run ${run + 1}/${runs} done\n`)
  }
  const timeRatio = median(own.map((measure, i) => cadre[i]!.ms / measure.ms))
  const memoryRatio = median(own.map((measure, i) => cadre[i]!.peakMb / measure.peakMb))
  rows.push(
    `| ${agent.name} | ${spread(
      own.map((m) => m.ms),
      0,
    )} | ${spread(
      cadre.map((m) => m.ms),
      0,
    )} | ${timeRatio.toFixed(2)} | ${mb(own.map((m) => m.peakMb))} | ${mb(cadre.map((m) => m.peakMb))} | ${memoryRatio.toFixed(2)} |`,
  )
}
const builtinRuns: Measure[] = []
for (let run = 0; run < runs; run++) builtinRuns.push(await throughCadre(builtin))
rows.push(
  `| builtin | — | ${spread(
    builtinRuns.map((m) => m.ms),
    0,
  )} | — | — | ${mb(builtinRuns.map((m) => m.peakMb))} | — |`,
)

console.log(machine())
console.log(`${runs} runs; median (min–max); time in ms, peak resident memory in MB\n`)
console.log(
  '| runtime | CLI alone, time | driven by Cadre, time | ratio | CLI alone, memory | driven by Cadre, memory (server + agent) | ratio |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const row of rows) console.log(row)

await server.stop()
await sim.close()
