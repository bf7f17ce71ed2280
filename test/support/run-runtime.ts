import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseModelId } from '../../src/models/model-id.ts'
import type { AgentAction } from '../../src/runtimes/agent-action.ts'
import type { AgentRuntime, RuntimeRun } from '../../src/runtimes/agent-runtime.ts'
import { loadRuntimes } from '../../src/runtimes/load-runtimes.ts'
import { openDirectorySandbox } from '../../src/sandbox/directory-sandbox.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { installTestAgents, testAgentsBin } from './install-test-agents.ts'

/** The installed test agents as Cadre's runtimes, found as a server finds them (on the PATH). */
export const testRuntimes = (): Map<string, AgentRuntime> => {
  const path = process.env.PATH
  process.env.PATH = `${testAgentsBin}:${path}`
  try {
    return loadRuntimes(mkdtempSync(join(tmpdir(), 'cadre-runtimes-')))
  } finally {
    process.env.PATH = path
  }
}

/**
 * The installed test agents of these cases as runtimes, and a simulator answering each case's
 * model (by its name) with the rules given for it.
 */
export const runtimesAgainstSimulator = async <Case extends { agent: string; model: string }>(
  cases: readonly Case[],
  rulesFor: (test: Case) => NonNullable<ScenarioInput['rules']>,
) => {
  installTestAgents(cases.map((test) => test.agent))
  const runtimes = testRuntimes()
  const sim = await startSimulator({
    scenarios: cases.map((test) => ({ name: parseModelId(test.model).model, rules: rulesFor(test) })),
  })
  return { runtimes, sim }
}

/** Where the simulator serves each provider's API, as Cadre's provider settings would name it. */
export const simulatorBaseUrl = (simUrl: string, modelId: string): string => {
  const { provider } = parseModelId(modelId)
  return provider === 'openai' ? `${simUrl}/v1` : provider === 'google' ? `${simUrl}/v1beta` : simUrl
}

/**
 * One turn of a runtime on its own, outside any server: in a plain directory (no sandbox), its
 * state in a fresh folder, every action it reports collected.
 */
export const runRuntime = async (
  runtime: AgentRuntime,
  options: { dir: string; modelId: string; simUrl: string; prompt: string } & Partial<RuntimeRun>,
): Promise<AgentAction[]> => {
  const { dir, modelId, simUrl, prompt, ...rest } = options
  const workspace = await openDirectorySandbox(dir)
  const stateDir = mkdtempSync(join(tmpdir(), 'cadre-runtime-state-'))
  const actions: AgentAction[] = []
  const run: RuntimeRun = {
    taskId: 'tsk_test',
    runId: 'run_test',
    workspace: {
      ...workspace,
      info: { kind: 'worktree', branch: 'main', isolation: 'none', created: true, stateDir },
    },
    model: {
      model: parseModelId(modelId).model,
      baseUrl: simulatorBaseUrl(simUrl, modelId),
      apiKey: 'sim-key-0123456789abcdef',
    },
    stateDir,
    mode: 'default',
    signal: new AbortController().signal,
    ...rest,
  }
  try {
    for await (const action of runtime.start(run, prompt)) actions.push(action)
  } finally {
    await workspace.close()
  }
  return actions
}
