import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentRuntime } from '../../src/runtimes/agent-runtime.ts'
import type { SimServer } from '../../src/sim/sim-server.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { runRuntime, runtimesAgainstSimulator } from '../support/run-runtime.ts'

// Each agent on a model of its own (the scenario is chosen by the model's name).
const cases = [
  { agent: 'claude-code', model: 'anthropic:claude-sonnet-4-5' },
  // Codex offers a model that can search for tools (gpt-5.5) its MCP tools only through its
  // tool_search, which the simulator does not script; gpt-5.1-codex is offered them directly.
  { agent: 'codex', model: 'openai:gpt-5.1-codex' },
  { agent: 'gemini', model: 'google:gemini-2.5-pro' },
  { agent: 'opencode', model: 'anthropic:claude-haiku-4-5' },
]

// The probe server's tool, whatever name the agent gives it (servers' tools are prefixed).
const probe = 'cadre_probe_echo'
const probeServer = {
  name: 'probe',
  transport: 'stdio' as const,
  command: process.execPath,
  args: [join(import.meta.dirname, '..', 'fixtures', 'mcp-probe-server.ts')],
}

describe('MCP servers Cadre passes an agent are offered to its model, and work', () => {
  let sim: SimServer
  let runtimes: Map<string, AgentRuntime>
  beforeAll(async () => {
    ;({ sim, runtimes } = await runtimesAgainstSimulator(cases, () => [
      { when: { lastToolResult: { contains: 'pong: ping' } }, reply: [{ text: 'The probe answered.' }] },
      { when: { toolOffered: probe }, reply: [{ toolCall: { tool: probe, input: { text: 'ping' } } }] },
      { reply: [{ text: 'No probe was offered.' }] },
    ]))
  }, 120_000)
  afterAll(() => sim.close())

  it.each(cases)('$agent', async (test) => {
    const runtime = runtimes.get(test.agent)!
    expect(runtime.capabilities.mcp).toBe(true)
    const actions = await runRuntime(runtime, {
      dir: createGitRepo(),
      modelId: test.model,
      simUrl: sim.url,
      prompt: 'ask the probe',
      mcpServers: [probeServer],
    })
    const call = actions.findLast((action) => action.type === 'tool')
    expect(call).toMatchObject({
      tool: expect.stringContaining(probe),
      kind: 'mcp',
      status: 'completed',
      output: expect.stringContaining('pong: ping'),
    })
    expect(actions.filter((action) => action.type === 'text').at(-1)).toEqual({
      type: 'text',
      text: 'The probe answered.',
    })
  })
})
