// Every runtime on the same two-turn scenario (a shell command that writes a file, then a reply),
// side by side in one run, all model traffic to the simulator:
// - each external agent CLI alone: run by its adapter in a plain directory, no server, no sandbox;
// - the same CLI driven by Cadre: a task through `cadre serve` (worktree, bubblewrap, events,
//   checkpoints), from creation to settled;
// - the built-in agent driven by Cadre, the same way.
// Prints markdown; see docs/benchmarks.md.   node bench/runtimes.ts [--runs 3]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createCodexRuntime } from '../src/runtimes/codex/codex-runtime.ts'
import { createGeminiRuntime } from '../src/runtimes/gemini/gemini-runtime.ts'
import { createOpencodeRuntime } from '../src/runtimes/opencode/opencode-runtime.ts'
import { openDirectorySandbox } from '../src/sandbox/directory-sandbox.ts'
import type { ScenarioInput } from '../src/sim/scenario.ts'
import { startSimulator } from '../src/sim/start-simulator.ts'
import { createGitRepo } from '../test/support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../test/support/install-test-agents.ts'
import { machine, median, spread } from './support/figures.ts'
import { serveCadre } from './support/serve-cadre.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } })
const runs = Number(values.runs)

const agents = [
  {
    name: 'codex',
    model: 'gpt-5.5',
    id: 'openai:gpt-5.5',
    create: createCodexRuntime,
    shell: (cmd: string) => ({ tool: 'exec_command', input: { cmd } }),
  },
  {
    name: 'gemini',
    model: 'gemini-2.5-pro',
    id: 'google:gemini-2.5-pro',
    create: createGeminiRuntime,
    shell: (command: string) => ({ tool: 'run_shell_command', input: { command } }),
  },
  {
    name: 'opencode',
    model: 'claude-haiku-4-5',
    id: 'anthropic:claude-haiku-4-5',
    create: createOpencodeRuntime,
    shell: (command: string) => ({ tool: 'bash', input: { command, description: 'write' } }),
  },
]
const builtin = {
  name: 'builtin',
  model: 'claude-sonnet-4-5',
  id: 'anthropic:claude-sonnet-4-5',
  shell: (command: string) => ({ tool: 'bash', input: { command } }),
}

const twoTurn = (
  name: string,
  shell: (command: string) => { tool: string; input: Record<string, unknown> },
): ScenarioInput => ({
  name,
  rules: [
    { when: { toolResult: 'none' }, reply: [{ text: 'Writing.' }, { toolCall: shell('echo hi > out.txt') }] },
    { reply: [{ text: 'Done.' }] },
  ],
})

installTestAgents(agents.map((agent) => agent.name))
const sim = await startSimulator({
  scenarios: [...agents, builtin].map((agent) => twoTurn(agent.model, agent.shell)),
})

const endpoints: Record<string, string> = {
  codex: `${sim.url}/v1`,
  gemini: `${sim.url}/v1beta`,
  opencode: `${sim.url}/v1`,
}

/** The CLI alone: its adapter runs it in a plain directory, nothing recorded. */
const alone = async (agent: (typeof agents)[number]) => {
  const repo = createGitRepo()
  const state = mkdtempSync(join(tmpdir(), 'cadre-bench-state-'))
  mkdirSync(join(state, 'home'), { recursive: true })
  const workspace = await openDirectorySandbox(repo)
  const runtime = agent.create(join(testAgentsBin, agent.name))
  const started = performance.now()
  for await (const action of runtime.start(
    {
      taskId: 'bench',
      runId: 'bench',
      workspace: {
        ...workspace,
        info: { kind: 'worktree', branch: 'main', isolation: 'none', created: true, stateDir: state },
      },
      model: { model: agent.model, baseUrl: endpoints[agent.name]!, apiKey: 'bench-key-0123456789' },
      stateDir: state,
      mode: 'default',
      signal: new AbortController().signal,
    },
    'write out.txt',
  )) {
    if (action.type === 'error') throw new Error(`${agent.name}: ${action.message}`)
  }
  const ms = performance.now() - started
  await workspace.close()
  rmSync(join(repo, '..'), { recursive: true, force: true })
  rmSync(state, { recursive: true, force: true })
  return ms
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

/** The same scenario as a Cadre task, from creation to settled. */
const throughCadre = async (agent: { name: string; id: string }) => {
  const project = await api('/api/projects', { path: createGitRepo() })
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
      return performance.now() - started
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const rows: string[] = []
for (const agent of agents) {
  const own: number[] = []
  const cadre: number[] = []
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
  const ratios = own.map((ms, i) => cadre[i]! / ms)
  rows.push(`| ${agent.name} | ${spread(own)} | ${spread(cadre)} | ${median(ratios).toFixed(2)} |`)
}
const builtinRuns: number[] = []
for (let run = 0; run < runs; run++) builtinRuns.push(await throughCadre(builtin))
rows.push(`| builtin | — | ${spread(builtinRuns)} | — |`)

console.log(machine())
console.log(`${runs} runs; median (min–max), milliseconds\n`)
console.log('| runtime | CLI alone | driven by Cadre | Cadre ÷ alone |')
console.log('| --- | --- | --- | --- |')
for (const row of rows) console.log(row)

await server.stop()
await sim.close()
