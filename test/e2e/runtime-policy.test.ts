import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PolicySettings } from '../../src/core/settings.ts'
import { agentPolicy } from '../../src/runtimes/agent-policy.ts'
import type { AgentRuntime } from '../../src/runtimes/agent-runtime.ts'
import type { SimServer } from '../../src/sim/sim-server.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { runRuntime, runtimesAgainstSimulator } from '../support/run-runtime.ts'

// The agents that cannot ask Cadre before a call: Cadre's policy goes into their configuration.
const cases = [
  {
    agent: 'codex',
    model: 'openai:gpt-5.5',
    shell: (cmd: string) => ({ tool: 'exec_command', input: { cmd } }),
  },
  {
    agent: 'gemini',
    model: 'google:gemini-2.5-pro',
    shell: (command: string) => ({ tool: 'run_shell_command', input: { command } }),
  },
  {
    agent: 'opencode',
    model: 'anthropic:claude-haiku-4-5',
    shell: (command: string) => ({ tool: 'bash', input: { command, description: 'run it' } }),
  },
]

const policy = PolicySettings.parse({
  default: 'allow',
  rules: [
    { tool: 'bash', pattern: 'rm *', action: 'deny' },
    { tool: 'bash', pattern: 'git push*', action: 'ask' },
  ],
})

describe("Cadre's policy written into the configuration of agents that cannot ask", () => {
  let sim: SimServer
  let runtimes: Map<string, AgentRuntime>
  beforeAll(async () => {
    ;({ sim, runtimes } = await runtimesAgainstSimulator(cases, (test) => [
      {
        when: { toolResult: 'none' },
        reply: [{ toolCall: test.shell('rm -f keep.txt && echo removed') }],
      },
      {
        when: { toolResult: 'any', turn: 1 },
        reply: [{ toolCall: test.shell('echo allowed > ok.txt') }],
      },
      { reply: [{ text: 'Done.' }] },
    ]))
  }, 120_000)
  afterAll(() => sim.close())

  it.each(cases)('$agent refuses what Cadre refuses, and runs the rest', async (test) => {
    const runtime = runtimes.get(test.agent)!
    expect(runtime.capabilities.approvals).toBe(false)
    const dir = createGitRepo()
    writeFileSync(join(dir, 'keep.txt'), 'precious\n')
    const actions = await runRuntime(runtime, {
      dir,
      modelId: test.model,
      simUrl: sim.url,
      prompt: 'clean up',
      policy: agentPolicy(policy, [], 'default'),
    })
    expect(existsSync(join(dir, 'keep.txt'))).toBe(true) // the denied command never ran
    expect(existsSync(join(dir, 'ok.txt'))).toBe(true) // an allowed one did
    expect(actions.filter((action) => action.type === 'text').at(-1)).toEqual({ type: 'text', text: 'Done.' })
  })
})
