import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseModelId } from '../../src/models/model-id.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { runCli } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../support/install-test-agents.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

/** One agent of the comparison: its model (which picks its scenario) and how it writes a file. */
interface Contender {
  agent: string
  model: string
  write: (path: string, content: string) => { tool: string; input: string | Record<string, unknown> }
  /** What it writes in answer.txt: the check wants exactly one line, 42. */
  answer: string
}

const contenders: Contender[] = [
  {
    agent: 'builtin',
    model: 'anthropic:claude-sonnet-4-5',
    write: (path, content) => ({ tool: 'write_file', input: { path, content } }),
    answer: '42\n',
  },
  {
    agent: 'codex',
    model: 'openai:gpt-5.5',
    write: (path, content) => ({
      tool: 'apply_patch',
      input: `*** Begin Patch\n*** Add File: ${path}\n${content
        .trimEnd()
        .split('\n')
        .map((line) => `+${line}`)
        .join('\n')}\n*** End Patch\n`,
    }),
    answer: '41\n',
  },
  {
    agent: 'gemini',
    model: 'google:gemini-2.5-pro',
    write: (path, content) => ({ tool: 'write_file', input: { file_path: path, content } }),
    answer: '42\nand a note\n',
  },
]

// Each agent's scenario is chosen by its model's name: it writes its answer, then says it is done.
const scenarioFor = (contender: Contender): ScenarioInput => ({
  name: parseModelId(contender.model).model,
  rules: [
    {
      when: { toolResult: 'none' },
      reply: [{ text: 'Answering.' }, { toolCall: contender.write('answer.txt', contender.answer) }],
      usage: { inputTokens: 100, outputTokens: 10 },
    },
    { reply: [{ text: 'Done.' }], usage: { inputTokens: 200, outputTokens: 20 } },
  ],
})

const checkCommand =
  'grep -qx 42 answer.txt && echo right || { echo "wrong: $(head -n1 answer.txt)"; exit 1; }'

describe('a comparison: one prompt, three agents, side by side, for real against the simulator', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let projectPath: string
  beforeAll(async () => {
    installTestAgents(['codex', 'gemini'])
    served = await serveWithSimulator(contenders.map(scenarioFor), {
      PATH: `${testAgentsBin}:${process.env.PATH}`,
    })
    projectPath = createGitRepo()
    const project = await (await served.api('/api/projects', { path: projectPath })).json()
    await served.api(`/api/projects/${project.id}`, { settings: { checkCommand } }, 'PATCH')
  }, 120_000)
  afterAll(() => served.close())

  const cli = (...args: string[]) => runCli(args, { CADRE_HOME: served.home, CADRE_TOKEN: '', CADRE_URL: '' })

  it('runs each agent in its own worktree, ending in three reviewable diffs and their check results', async () => {
    const agents = contenders
      .map((c) => (c.agent === 'builtin' ? 'builtin' : `${c.agent}=${c.model}`))
      .join(',')
    const run = await cli(
      'run',
      'Write the answer in answer.txt',
      '--project',
      projectPath,
      '--agents',
      agents,
      '--model',
      contenders[0]!.model,
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const id = /comparison (tsk_\w+)/.exec(run.stdout)?.[1]
    expect(id).toBeDefined()
    // Each agent's progress as it went, then the table: a row per agent with its changes and check.
    for (const { agent } of contenders) expect(run.stdout).toMatch(new RegExp(`${agent} +review\\n`))
    expect(run.stdout).toMatch(/builtin +anthropic:claude-sonnet-4-5 +review .* 1 file \+1 -0 +✓ passed/)
    expect(run.stdout).toMatch(/codex +openai:gpt-5\.5 +review .* 1 file \+1 -0 +✗ exit 1/)
    expect(run.stdout).toMatch(/gemini +google:gemini-2\.5-pro +review .* 1 file \+2 -0 +✓ passed/)

    const { comparison, children } = await (await served.api(`/api/tasks/${id}/compare`)).json()
    expect(comparison).toMatchObject({ status: 'review', agent: 'compare' })
    expect(children.map((child: { agent: string }) => child.agent)).toEqual(['builtin', 'codex', 'gemini'])
    const outputs = ['right', 'wrong: 41', 'right']
    for (const [index, child] of children.entries()) {
      const contender = contenders[index]!
      expect(child).toMatchObject({
        status: 'review',
        model: contender.model,
        runs: 1,
        usage: { inputTokens: 300, outputTokens: 30 },
        diff: { files: 1, additions: contender.answer.split('\n').length - 1, deletions: 0 },
        check: {
          command: checkCommand,
          exitCode: index === 1 ? 1 : 0,
          timedOut: false,
          output: outputs[index],
        },
      })
      expect(child.durationMs).toBeGreaterThan(0)
      expect(child.costUsd).toBeGreaterThan(0)
      // Its diff is there to review as any task's: its own branch, its own answer.
      const diff = await (await served.api(`/api/tasks/${child.taskId}/diff`)).json()
      expect(diff.files).toMatchObject([{ path: 'answer.txt', status: 'added' }])
      expect(diff.files[0].patch).toMatch(new RegExp(`^\\+${contender.answer.split('\n')[0]}$`, 'm'))
    }
    expect(new Set(children.map((child: { branch: string }) => child.branch)).size).toBe(3)
    const workspaces = await Promise.all(
      children.map((child: { taskId: string }) => served.workspaceOf(child.taskId)),
    )
    expect(new Set(workspaces).size).toBe(3)

    // The same figures from the command line, as a table and as JSON.
    const table = await cli('task', 'compare', id!)
    expect(table.stdout).toMatch(/TASK +AGENT +MODEL +STATUS +TIME +TOKENS IN\/OUT +COST +CHANGES +CHECK/)
    expect(table.stdout).toContain('codex: the check said: wrong: 41')
    expect(table.stdout).toContain(`Check: ${checkCommand}`)
    const json = JSON.parse((await cli('task', 'compare', id!, '--json')).stdout)
    expect(json.children.map((child: { check: { exitCode: number } }) => child.check.exitCode)).toEqual([
      0, 1, 0,
    ])
  }, 120_000)

  it('is created from the command line too, and cancelled with its tasks', async () => {
    const created = await cli(
      'task',
      'create',
      'Later',
      '-p',
      projectPath,
      '--agents',
      'opencode,codex',
      '--backlog',
    )
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(
      /^Created task (tsk_\w+) \(backlog\): Later\n {2}opencode +tsk_\w+\n {2}codex +tsk_\w+\n/,
    )
    const id = /Created task (tsk_\w+)/.exec(created.stdout)![1]!
    expect(created.stdout).toContain(`Compare them with: cadre task compare ${id}`)
    expect((await cli('task', 'cancel', id)).stdout).toBe(`Task ${id} is cancelled\n`)
    const { children } = await (await served.api(`/api/tasks/${id}/compare`)).json()
    expect(children.map((child: { status: string }) => child.status)).toEqual(['cancelled', 'cancelled'])
    const refused = await cli('task', 'create', 'x', '-p', projectPath, '--agents', 'builtin,devin')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/unknown agent "devin"/)
  })
})
