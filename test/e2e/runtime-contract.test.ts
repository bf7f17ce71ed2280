import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseModelId } from '../../src/models/model-id.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { runCli } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../support/install-test-agents.ts'
import { loopbackOnlyVariable } from '../support/loopback-only.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

type ToolCall = { tool: string; input: string | Record<string, unknown> }

/** How one runtime is driven: its model, its own tool names, how it reports a command. */
interface RuntimeCase {
  agent: string
  model: string
  shell: (command: string) => ToolCall
  write: (path: string, content: string) => ToolCall
  /** The command line as the agent reports it. */
  reported: (command: string) => string
  /** What the agent writes in its state folder (the built-in agent keeps none). */
  stateFile?: string
  /** false: the agent does not report its commands' exit codes (so nor whether they failed). */
  exitCodes?: false
  /** false: the agent cannot pick its session up after a crash mid-turn (the run fails, saying so). */
  restart?: false
  /** With Cadre's approvals and plan mode: how it proposes a plan. */
  proposePlan?: (plan: string) => NonNullable<ScenarioInput['rules']>[number]['reply'][number]
}

const cases: RuntimeCase[] = [
  {
    agent: 'builtin',
    model: 'anthropic:claude-opus-4-5',
    shell: (command) => ({ tool: 'bash', input: { command } }),
    write: (path, content) => ({ tool: 'write_file', input: { path, content } }),
    reported: (command) => command,
    proposePlan: (plan) => ({ text: plan }), // its last reply in plan mode is the plan
  },
  {
    agent: 'claude-code',
    model: 'anthropic:claude-sonnet-4-5',
    shell: (command) => ({ tool: 'Bash', input: { command } }),
    write: (path, content) => ({ tool: 'Write', input: { file_path: `{{cwd}}/${path}`, content } }),
    reported: (command) => command,
    stateFile: join('claude', 'projects'),
    proposePlan: (plan) => ({ toolCall: { tool: 'ExitPlanMode', input: { plan } } }),
  },
  {
    agent: 'codex',
    model: 'openai:gpt-5.5',
    shell: (command) => ({ tool: 'exec_command', input: { cmd: command } }),
    write: (path, content) => ({
      tool: 'apply_patch',
      input: `*** Begin Patch\n*** Add File: ${path}\n+${content.trimEnd()}\n*** End Patch\n`,
    }),
    reported: (command) => `/bin/bash -lc '${command}'`,
    stateFile: join('codex', 'config.toml'),
  },
  {
    agent: 'gemini',
    model: 'google:gemini-2.5-pro',
    shell: (command) => ({ tool: 'run_shell_command', input: { command } }),
    write: (path, content) => ({ tool: 'write_file', input: { file_path: path, content } }),
    reported: (command) => command,
    stateFile: join('gemini', '.gemini', 'settings.json'),
    // Its stream-json output gives a command's output without its exit code.
    exitCodes: false,
    restart: false,
  },
  {
    agent: 'opencode',
    // OpenCode offers GPT models apply_patch instead of write: a Claude model keeps its write tool.
    model: 'anthropic:claude-haiku-4-5',
    shell: (command) => ({ tool: 'bash', input: { command, description: 'run it' } }),
    write: (path, content) => ({ tool: 'write', input: { filePath: path, content } }),
    reported: (command) => command,
    stateFile: join('opencode', 'opencode.json'),
    restart: false,
  },
]

// Long-running commands, told apart by their arguments (Claude Code refuses a bare `sleep`).
const sleep = 'timeout 30.123456789 tail -f /dev/null'
const crashSleep = 'timeout 30.987654321 tail -f /dev/null'
const makeNotes = 'echo marker-one > out.txt && cat out.txt'
const guarded = 'touch approved.txt && echo touched-ok'
const plan = '1. Touch approved.txt.'

// Each runtime's scenario is chosen by its model's name; usage is given exactly on each request.
// The session: a command, a file written, a command that fails, a reply.
const scenarioFor = (test: RuntimeCase): ScenarioInput => ({
  name: parseModelId(test.model).model,
  rules: [
    // Approvals: the guarded command until it has run, asked again once the person decided.
    { when: { lastToolResult: { contains: 'touched-ok' } }, reply: [{ text: 'Touched.' }] },
    { when: { lastToolResult: { contains: 'says deny' } }, reply: [{ text: 'Refused, stopping.' }] },
    {
      when: { lastUserMessage: { contains: 'remove it' } },
      reply: [{ toolCall: test.shell('rm -f README.md') }],
    },
    {
      when: { lastUserMessage: { contains: '/ask first|approved|refused|Carry it out/' } },
      reply: [{ toolCall: test.shell(guarded) }],
    },
    ...(test.proposePlan
      ? [{ when: { lastUserMessage: { contains: 'plan it' } }, reply: [test.proposePlan(plan)] }]
      : []),
    { when: { lastUserMessage: { contains: 'sleep' } }, reply: [{ toolCall: test.shell(sleep) }] },
    { when: { lastUserMessage: { contains: 'and now' } }, reply: [{ text: 'Still done.' }] },
    // After a crash: a resumed session is told to go on; the built-in agent sees its interrupted call.
    { when: { lastUserMessage: { contains: 'Continue where you left off' } }, reply: [{ text: 'Resumed.' }] },
    {
      when: { lastUserMessage: { contains: 'crash' }, toolResult: 'none' },
      reply: [{ toolCall: test.shell(crashSleep) }],
    },
    { when: { lastUserMessage: { contains: 'crash' } }, reply: [{ text: 'Resumed.' }] },
    {
      when: { toolResult: 'none' },
      reply: [{ text: 'Writing.' }, { toolCall: test.shell(makeNotes) }],
      usage: { inputTokens: 100, outputTokens: 10 },
    },
    {
      when: { lastToolResult: { contains: 'marker-one' } },
      reply: [{ toolCall: test.write('notes.md', '# notes\n') }],
      usage: { inputTokens: 200, outputTokens: 20 },
    },
    {
      when: { lastToolResult: { contains: 'No such file' } },
      reply: [{ text: 'Done.' }],
      usage: { inputTokens: 400, outputTokens: 40 },
    },
    { reply: [{ toolCall: test.shell('cat missing.txt') }], usage: { inputTokens: 300, outputTokens: 30 } },
  ],
})

/** The environments of the processes running `command` on this machine. */
const environmentsOf = (command: string) =>
  readdirSync('/proc').flatMap((entry) => {
    try {
      if (!/^\d+$/.test(entry)) return []
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() !== command) return []
      return [readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0')]
    } catch {
      return []
    }
  })
const isRunning = (command: string) => environmentsOf(command).length > 0

describe('the runtime contract: every agent for real, against the simulator', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let projectId: string
  let projectPath: string
  beforeAll(async () => {
    installTestAgents(cases.flatMap((test) => (test.agent === 'builtin' ? [] : [test.agent])))
    // The agents are found on the PATH; their models are the simulator's.
    served = await serveWithSimulator(cases.map(scenarioFor), {
      PATH: `${testAgentsBin}:${process.env.PATH}`,
    })
    projectPath = createGitRepo()
    projectId = (await (await served.api('/api/projects', { path: projectPath })).json()).id
  }, 120_000)
  afterAll(() => served.close())

  const create = async (
    test: RuntimeCase,
    prompt: string,
    options: { project?: string; mode?: string } = {},
  ) =>
    (
      await (
        await served.api('/api/tasks', {
          projectId: options.project ?? projectId,
          prompt,
          agent: test.agent,
          model: test.model,
          ...(options.mode && { mode: options.mode }),
        })
      ).json()
    ).id as string
  const events = async (id: string) =>
    (await (await served.api(`/api/tasks/${id}/events`)).json()).events as {
      type: string
      data: Record<string, unknown>
    }[]

  // `npm test` runs the suite in a network namespace with only loopback: what passes here needed
  // nothing beyond this machine.
  it.runIf(process.env[loopbackOnlyVariable])('runs with nothing but loopback to reach', () => {
    expect(Object.keys(networkInterfaces())).toEqual(['lo'])
  })

  describe.each(cases)('$agent', (test) => {
    it('works in the task worktree, every action in Cadre vocabulary, with the usage the model reported', async () => {
      const id = await create(test, 'make notes')
      const task = await served.settled(id, ['review', 'failed', 'done'])
      expect(task).toMatchObject({ status: 'review', agent: test.agent, statusReason: null })
      const worktree = await served.workspaceOf(id)
      expect(readFileSync(join(worktree, 'out.txt'), 'utf8')).toBe('marker-one\n')
      expect(readFileSync(join(worktree, 'notes.md'), 'utf8')).toBe('# notes\n')
      const log = await events(id)
      const summary = log.flatMap((e) => {
        // (The built-in agent's turns that only call tools are replies without text.)
        if (e.type === 'message.assistant') return e.data.text ? [`says ${e.data.text}`] : []
        if (e.type === 'tool.started')
          return [`starts ${e.data.kind} ${JSON.stringify(e.data.paths ?? e.data.command)}`]
        if (e.type === 'tool.finished')
          return [`ends ${e.data.kind}${e.data.isError ? ' failed' : ''} exit ${e.data.exitCode ?? '-'}`]
        return []
      })
      expect(summary).toEqual([
        'says Writing.',
        `starts command ${JSON.stringify(test.reported(makeNotes))}`,
        `ends command exit ${test.exitCodes === false ? '-' : 0}`,
        'starts file_edit ["notes.md"]',
        'ends file_edit exit -',
        `starts command ${JSON.stringify(test.reported('cat missing.txt'))}`,
        test.exitCodes === false ? 'ends command exit -' : 'ends command failed exit 1',
        'says Done.',
      ])
      // Usage as each agent reports it — per turn (Claude Code, Codex, Gemini CLI) or per model
      // call (the built-in agent, OpenCode) — adds up to exactly what the simulator said.
      const steps = log.filter((e) => e.type === 'step.finished')
      const sum = (field: 'inputTokens' | 'outputTokens') =>
        steps.reduce((total, e) => total + (e.data.usage as Record<string, number>)[field]!, 0)
      expect([sum('inputTokens'), sum('outputTokens')]).toEqual([1000, 100])
      expect(task.usage).toMatchObject({ inputTokens: 1000, outputTokens: 100 })
      expect(task.costUsd).toBeGreaterThan(0) // priced by the agent, or from Cadre's catalog
      // Checkpoint 0 as made, then one after the step(s) that changed files, the last holding both.
      const checkpoints = log.filter((e) => e.type === 'checkpoint.created')
      expect(checkpoints.length).toBeGreaterThanOrEqual(2)
      expect(checkpoints.at(-1)?.data.step).toBeGreaterThan(0)
      if (test.stateFile) {
        expect(task.threads[0].agentSessionId).toMatch(/^([0-9a-f-]{36}|ses_\w+)$/) // the agent's own id
        // Its state lived in the task's own folder under CADRE_HOME, never in a home of the user's.
        expect(existsSync(join(served.home, 'agent-state', projectId, id, test.stateFile))).toBe(true)
      }

      // A follow-up continues the agent's own session.
      await served.api(`/api/tasks/${id}/messages`, { text: 'and now?' })
      const again = await served.settled(id, ['review', 'failed', 'done'])
      expect(again).toMatchObject({ status: 'review', statusReason: null })
      expect(again.threads[0].agentSessionId).toBe(task.threads[0].agentSessionId ?? null)
      expect((await events(id)).filter((e) => e.type === 'message.assistant').at(-1)?.data.text).toBe(
        'Still done.',
      )
    })

    it('runs from the command line, showing its replies and its tool calls', async () => {
      const result = await runCli(
        ['run', 'make notes', '--project', projectPath, '--agent', test.agent, '--model', test.model],
        {
          CADRE_HOME: served.home,
          CADRE_TOKEN: '',
          CADRE_URL: '',
        },
      )
      expect(result.code).toBe(0)
      expect(result.stdout).toContain(`Writing.\n  ✓ ${test.shell('').tool} ${test.reported(makeNotes)}  `)
      expect(result.stdout).toMatch(/Done\.\n\n✔ Finished with changes/)
    })

    it('ends the agent and everything it started when cancelled', async () => {
      const id = await create(test, 'sleep please')
      await expect.poll(() => isRunning(sleep), { timeout: 30_000 }).toBe(true)
      // What the agent started carries the run's mark, so a server restarted after a crash finds it.
      const [run] = (await (await served.api(`/api/tasks/${id}`)).json()).runs
      expect(environmentsOf(sleep)[0]).toContain(`CADRE_RUN_ID=${run.id}`)
      expect((await served.api(`/api/tasks/${id}/cancel`, {})).status).toBe(200)
      await expect.poll(() => isRunning(sleep), { timeout: 5_000 }).toBe(false)
      await expect
        .poll(async () => (await (await served.api(`/api/tasks/${id}`)).json()).runs[0].status, {
          timeout: 5_000,
        })
        .toBe('cancelled')
    })

    it('after the server is killed mid-run, resumes its session, or fails the run saying why', async () => {
      const id = await create(test, 'crash now')
      await expect.poll(() => isRunning(crashSleep), { timeout: 30_000 }).toBe(true)
      await served.crashAndRestart()
      const task = await served.settled(id, ['review', 'failed', 'done'])
      expect(isRunning(crashSleep)).toBe(false) // ended by the restarted server, by the run's mark
      const log = await events(id)
      if (test.restart === false) {
        expect(task).toMatchObject({
          status: 'failed',
          statusReason: expect.stringContaining(`Cadre stopped while ${test.agent} was working`),
        })
        expect(task.runs.map((run: { status: string }) => run.status)).toEqual(['failed'])
        // Nothing recorded was lost, and the workspace is still there for a follow-up.
        expect(log.some((e) => e.type === 'workspace.ready')).toBe(true)
        expect(existsSync(await served.workspaceOf(id))).toBe(true)
        return
      }
      expect(task).toMatchObject({ status: 'done', statusReason: null })
      const replies = log.filter((e) => e.type === 'message.assistant')
      expect(replies.at(-1)?.data.text).toBe('Resumed.')
      expect(task.runs.map((run: { status: string }) => run.status)).toEqual(['succeeded'])
    })
  })

  describe.each(cases.filter((test) => test.proposePlan))("$agent, with Cadre's approvals", (test) => {
    let guardedProject: string
    beforeAll(async () => {
      guardedProject = (await (await served.api('/api/projects', { path: createGitRepo() })).json()).id
      const rules = [
        { tool: 'bash', pattern: 'touch *', action: 'ask' },
        { tool: 'bash', pattern: 'rm *', action: 'deny' },
      ]
      await served.api(`/api/projects/${guardedProject}`, { settings: { policy: { rules } } }, 'PATCH')
    })
    const waitingRequest = async (id: string) => {
      const waiting = await served.settled(id, ['needs_input', 'review', 'failed', 'done'])
      expect(waiting).toMatchObject({ status: 'needs_input' })
      return (await events(id)).findLast((e) => e.type === 'approval.requested')!.data
    }

    it('asks a person before a call the policy marks, and makes it once allowed', async () => {
      const id = await create(test, 'ask first', { project: guardedProject, mode: 'default' })
      const request = await waitingRequest(id)
      expect(request).toMatchObject({ tool: 'bash', input: { command: guarded } })
      expect(existsSync(join(await served.workspaceOf(id), 'approved.txt'))).toBe(false) // nothing ran
      await served.api(`/api/tasks/${id}/approvals/${request.approvalId}`, { decision: 'allow' })
      const done = await served.settled(id, ['review', 'failed', 'done', 'needs_input'])
      expect(done).toMatchObject({ status: 'review', statusReason: null })
      expect(existsSync(join(await served.workspaceOf(id), 'approved.txt'))).toBe(true)
      expect((await events(id)).findLast((e) => e.type === 'message.assistant')?.data.text).toBe('Touched.')
    })

    it('refuses a call the policy denies, and the agent is told why', async () => {
      const id = await create(test, 'remove it', { project: guardedProject, mode: 'default' })
      const done = await served.settled(id, ['review', 'failed', 'done', 'needs_input'])
      expect(done).toMatchObject({ status: 'done', statusReason: null })
      const log = await events(id)
      const refused = log.find((e) => e.type === 'tool.finished')?.data
      expect(refused).toMatchObject({ isError: true, output: expect.stringContaining('says deny') })
      expect(log.findLast((e) => e.type === 'message.assistant')?.data.text).toBe('Refused, stopping.')
    })

    it('proposes a plan in plan mode, and carries it out once the person approves it', async () => {
      const id = await create(test, 'plan it', { project: guardedProject, mode: 'plan' })
      const request = await waitingRequest(id)
      expect(request).toMatchObject({ kind: 'plan', input: { plan } })
      await served.api(`/api/tasks/${id}/approvals/${request.approvalId}`, {
        decision: 'allow',
        mode: 'auto',
      })
      const done = await served.settled(id, ['review', 'failed', 'done', 'needs_input'])
      expect(done).toMatchObject({ status: 'review', mode: 'auto' })
      expect(existsSync(join(await served.workspaceOf(id), 'approved.txt'))).toBe(true)
    })
  })
})
