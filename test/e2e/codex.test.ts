import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../support/install-test-agents.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

// Codex's own tools: `exec_command` {cmd} and `apply_patch` (patch text). Usage is given exactly on
// each request, so the turn's total is known.
const scenario: ScenarioInput = {
  name: 'codex',
  rules: [
    {
      when: { lastUserMessage: { contains: 'sleep' } },
      reply: [{ toolCall: { tool: 'exec_command', input: { cmd: 'sleep 30.123456789' } } }],
    },
    { when: { lastUserMessage: { contains: 'and now' } }, reply: [{ text: 'Still done.' }] },
    {
      when: { toolResult: 'none' },
      reply: [
        { text: 'Writing.' },
        { toolCall: { tool: 'exec_command', input: { cmd: 'echo hi > out.txt && cat out.txt' } } },
      ],
      usage: { inputTokens: 100, outputTokens: 10 },
    },
    {
      when: { lastToolResult: { contains: 'hi' } },
      reply: [
        {
          toolCall: {
            tool: 'apply_patch',
            input: '*** Begin Patch\n*** Add File: notes.md\n+# notes\n*** End Patch\n',
          },
        },
      ],
      usage: { inputTokens: 200, outputTokens: 20 },
    },
    { reply: [{ text: 'Done.' }], usage: { inputTokens: 300, outputTokens: 30 } },
  ],
}

const isRunning = (command: string) =>
  readdirSync('/proc').some((entry) => {
    try {
      return (
        /^\d+$/.test(entry) &&
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() === command
      )
    } catch {
      return false
    }
  })

describe('Codex as a Cadre runtime, for real, against the simulator', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let projectId: string
  beforeAll(async () => {
    installTestAgents(['codex'])
    // Codex is found on the PATH; its model is the simulator's Responses API.
    served = await serveWithSimulator([scenario], { PATH: `${testAgentsBin}:${process.env.PATH}` })
    projectId = (await (await served.api('/api/projects', { path: createGitRepo() })).json()).id
  }, 120_000)
  afterAll(() => served.close())

  const create = async (prompt: string) =>
    (
      await (
        await served.api('/api/tasks', { projectId, prompt, agent: 'codex', model: 'openai:gpt-5.5' })
      ).json()
    ).id as string
  const events = async (id: string) =>
    (await (await served.api(`/api/tasks/${id}/events`)).json()).events as {
      type: string
      data: Record<string, unknown>
    }[]

  it('runs in the task worktree, every action in Cadre vocabulary, with the usage the model reported', async () => {
    const id = await create('make notes')
    const task = await served.settled(id, ['review', 'failed', 'done'])
    expect(task).toMatchObject({ status: 'review', agent: 'codex', statusReason: null })
    const worktree = await served.workspaceOf(id)
    expect(readFileSync(join(worktree, 'out.txt'), 'utf8')).toBe('hi\n')
    expect(readFileSync(join(worktree, 'notes.md'), 'utf8')).toBe('# notes\n')
    const log = await events(id)
    const summary = log.flatMap((e) => {
      if (e.type === 'message.assistant') return [`says ${e.data.text}`]
      if (e.type === 'tool.started')
        return [`starts ${e.data.kind} ${JSON.stringify(e.data.paths ?? e.data.command)}`]
      if (e.type === 'tool.finished')
        return [`ends ${e.data.kind} exit ${e.data.exitCode ?? '-'} ${JSON.stringify(e.data.output)}`]
      return []
    })
    expect(summary).toEqual([
      'says Writing.',
      `starts command "/bin/bash -lc 'echo hi > out.txt && cat out.txt'"`,
      'ends command exit 0 "hi\\n"',
      'starts file_edit ["notes.md"]',
      'ends file_edit exit - ""',
      'says Done.',
    ])
    const turns = log.filter((e) => e.type === 'step.finished')
    expect(turns).toHaveLength(1)
    expect(turns[0]?.data.usage).toMatchObject({ inputTokens: 600, outputTokens: 60 })
    expect(task.usage).toMatchObject({ inputTokens: 600, outputTokens: 60 })
    expect(task.costUsd).toBeGreaterThan(0) // priced from the catalog
    expect(log.filter((e) => e.type === 'checkpoint.created')).toHaveLength(2) // as made, then after the turn
    expect(task.threads[0].agentSessionId).toMatch(/^[0-9a-f-]{36}$/)

    // A follow-up continues the same Codex session.
    await served.api(`/api/tasks/${id}/messages`, { text: 'and now?' })
    const again = await served.settled(id, ['review', 'failed', 'done'])
    expect(again.threads[0].agentSessionId).toBe(task.threads[0].agentSessionId)
    expect((await events(id)).filter((e) => e.type === 'message.assistant').at(-1)?.data.text).toBe(
      'Still done.',
    )
    // Its state lived in the task's own folder under CADRE_HOME, never in a home of the user's.
    expect(existsSync(join(served.home, 'agent-state', projectId, id, 'codex', 'config.toml'))).toBe(true)
  })

  it('ends the agent and everything it started when cancelled', async () => {
    const id = await create('sleep please')
    await expect
      .poll(async () => (await events(id)).some((e) => e.type === 'tool.started'), { timeout: 15_000 })
      .toBe(true)
    expect(isRunning('/bin/bash -lc sleep 30.123456789') || isRunning('sleep 30.123456789')).toBe(true)
    expect((await served.api(`/api/tasks/${id}/cancel`, {})).status).toBe(200)
    await expect.poll(() => isRunning('sleep 30.123456789'), { timeout: 5_000 }).toBe(false)
    const task = await served.settled(id, ['cancelled'])
    await expect
      .poll(async () => (await (await served.api(`/api/tasks/${id}`)).json()).runs[0].status, {
        timeout: 5_000,
      })
      .toBe('cancelled')
    expect(task.status).toBe('cancelled')
  })
})
