import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFaultInjector } from '../../src/sim/inject-fault.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { SimFaults } from '../../src/sim/sim-faults.ts'
import type { SimMessageReply } from '../../src/sim/sim-reply.ts'
import { chaosSeed, longRun } from '../support/chaos.ts'
import { readServerUrl, spawnCli, waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../support/install-test-agents.ts'
import { simulatorEnv } from '../support/serve-with-sim.ts'

// Short in `npm test`; `npm run test:chaos` runs 24 tasks, then real agent CLIs.
const taskCount = longRun ? 24 : 6
const faultRate = 0.2
// Each task is this many model calls: a file written, commands run, a file read, a final answer.
const steps = 5
const models = ['anthropic:claude-haiku-4-5', 'openai:gpt-5.5', 'google:gemini-2.5-pro']

const scenario: ScenarioInput = {
  name: 'worker',
  rules: [
    {
      when: { turn: 0 },
      reply: [
        { reasoning: 'Start with the notes file, then append to it step by step.' },
        { text: 'Writing the notes first.' },
        {
          toolCall: {
            tool: 'write_file',
            input: { path: 'notes.txt', content: '{{lastUserMessage}} begins\n' },
          },
        },
      ],
    },
    {
      when: { turn: { min: 1, max: steps - 3 } },
      reply: [
        { text: 'Appending a line.' },
        { toolCall: { tool: 'bash', input: { command: "echo 'step {{turn}}' >> notes.txt" } } },
      ],
    },
    {
      when: { turn: steps - 2 },
      reply: [{ toolCall: { tool: 'read_file', input: { path: 'notes.txt' } } }],
    },
    { reply: [{ text: 'All done: the notes hold every step.\n\n{{lastToolResult}}' }] },
  ],
}

/**
 * Real agent CLIs, each with its own retries, against the same faulty simulator: a command run
 * twice, then an answer; each one's scenario is chosen by its model's name.
 */
const externals = [
  { agent: 'claude-code', model: 'anthropic:claude-sonnet-4-5', shell: 'Bash', argument: 'command' },
  { agent: 'gemini', model: 'google:gemini-2.5-flash', shell: 'run_shell_command', argument: 'command' },
  { agent: 'codex', model: 'openai:gpt-5.1-codex', shell: 'exec_command', argument: 'cmd' },
]
// Each agent's tasks, each a few calls: enough that faults meet every agent in most runs.
const externalTasks = 3
const externalScenario = ({ model, shell, argument }: (typeof externals)[number]): ScenarioInput => ({
  name: model.split(':')[1]!,
  rules: [
    {
      when: { turn: { max: 2 } },
      reply: [
        { text: 'Appending.' },
        { toolCall: { tool: shell, input: { [argument]: 'echo again >> ext.txt' } } },
      ],
    },
    { reply: [{ text: 'Done: ext.txt written three times.' }] },
  ],
})

/**
 * How many calls fail with an error or a cut before `needed` calls have been answered: the fates
 * of the simulator's calls come in a fixed order for a seed, whichever task makes each call.
 */
const expectedRetries = (seed: number, needed: number) => {
  const inject = createFaultInjector(SimFaults.parse({ rate: faultRate, seed }))
  const reply = { type: 'message', cut: false, pace: { latencyMs: 0 } } as SimMessageReply
  let answered = 0
  let failed = 0
  while (answered < needed) {
    const kind = inject(reply)?.kind
    if (kind === undefined || kind === 'slow') answered++
    else failed++
  }
  return failed
}

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
type Json = any

const statusOf = (task: Json) => `${task.status} ${task.statusReason ?? ''}`.trim()

describe('model faults: a fifth of the model calls fail in every way a provider fails', () => {
  it('finishes every task, retrying each failed call and saying so in its events', async () => {
    const seed = chaosSeed('model-faults')
    const dir = mkdtempSync(join(tmpdir(), 'cadre-model-faults-'))
    const scenarioFiles = [scenario, ...externals.map(externalScenario)].flatMap((each) => {
      const file = join(dir, `${each.name}.json`)
      writeFileSync(file, JSON.stringify(each))
      return ['--scenario', file]
    })
    if (longRun) installTestAgents(externals.map((external) => external.agent))
    // The simulator as a user starts it, through `cadre sim`.
    const sim = spawnCli(
      [
        'sim',
        '--port',
        '0',
        ...scenarioFiles,
        '--faults',
        String(faultRate),
        '--fault-seed',
        String(seed),
        '--fault-slow-ms',
        '1500',
      ],
      {},
    )
    const home = join(dir, 'home')
    let server: ReturnType<typeof spawnCli> | undefined
    try {
      const simUrl = await waitFor(
        () => /listening on (http:\/\/\S+)/.exec(sim.output.stdout)?.[1],
        'the simulator to start',
      )
      expect(sim.output.stdout).toContain(`seed ${seed}`)
      rmSync(join(home, 'server.json'), { force: true })
      server = spawnCli(['serve'], {
        CADRE_HOME: home,
        CADRE_PORT: '0',
        CADRE_TOKEN: '',
        ...simulatorEnv(simUrl),
        PATH: `${testAgentsBin}:${process.env.PATH}`,
      })
      const url = await waitFor(() => readServerUrl(home), 'the server to start')
      const token = readFileSync(join(home, 'token'), 'utf8').trim()
      const api = async (path: string, body?: unknown): Promise<Json> =>
        (
          await fetch(`${url}${path}`, {
            method: body === undefined ? 'GET' : 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          })
        ).json()

      const project = await api('/api/projects', { path: createGitRepo() })
      const taskIds: string[] = []
      for (let i = 0; i < taskCount; i++) {
        const task = await api('/api/tasks', {
          projectId: project.id,
          prompt: `task-${i}`,
          model: models[i % models.length],
        })
        expect(task.id, JSON.stringify(task)).toBeTruthy()
        taskIds.push(task.id)
      }

      const statuses = () => Promise.all(taskIds.map((id) => api(`/api/tasks/${id}`)))
      const tasks: Json[] = await waitFor(
        async () => {
          const all = await statuses()
          return all.every((task) => ['review', 'done', 'failed', 'cancelled'].includes(task.status))
            ? all
            : undefined
        },
        'every task to finish',
        longRun ? 400_000 : 90_000,
      ).catch(async (error) => {
        for (const task of await statuses())
          console.error(`${task.id} ${task.status} ${task.statusReason ?? ''}`)
        console.error(`the server's log:\n${server?.output.stderr.slice(-4000)}`)
        throw error
      })
      expect(tasks.map(statusOf)).toEqual(taskIds.map(() => 'review'))

      const retries: Json[] = []
      for (const id of taskIds) {
        const { events } = await api(`/api/tasks/${id}/events?limit=1000`)
        retries.push(...events.filter((e: Json) => e.type === 'step.retrying'))
        // Every step done once: a failed attempt leaves no reply and runs no tool.
        expect(events.filter((e: Json) => e.type === 'step.finished')).toHaveLength(steps)
        const notes = events.filter((e: Json) => e.type === 'tool.finished' && e.data.tool === 'read_file')
        expect(notes.map((e: Json) => e.data.output).join('')).toMatch(/begins\n(.|\n)*step 1/)
      }
      const reasons = retries.map((retry) => retry.data.reason.split(':')[0])
      console.log(
        `model-faults: ${taskCount} tasks, ${retries.length} retries (${[...new Set(reasons)].join(', ')})`,
      )
      // Each injected error or cut cost one retry, recorded with what failed; a slow call none.
      expect(retries).toHaveLength(expectedRetries(seed, taskCount * steps))
      for (const retry of retries) {
        expect(retry.data.reason).toMatch(/^(429|500|503|529): .*injected fault|^the connection dropped/i)
        expect(retry.data.delayMs).toBeGreaterThan(0)
      }
      if (retries.some((retry) => retry.data.reason.startsWith('429'))) {
        // The simulator asks for a second; Cadre waits at least that long.
        const limited = retries.filter((retry) => retry.data.reason.startsWith('429'))
        for (const retry of limited) expect(retry.data.delayMs).toBeGreaterThanOrEqual(1000)
      }

      // Only once the built-in agent's calls are all made, so the fates counted above were theirs.
      if (longRun) {
        const ids: string[] = []
        const agents: string[] = []
        for (let i = 0; i < externalTasks; i++) {
          for (const { agent, model } of externals) {
            const task = await api('/api/tasks', {
              projectId: project.id,
              prompt: 'append three times',
              agent,
              model,
            })
            expect(task.id, JSON.stringify(task)).toBeTruthy()
            ids.push(task.id)
            agents.push(agent)
          }
        }
        const ended = await waitFor(
          async () => {
            const all = await Promise.all(ids.map((id) => api(`/api/tasks/${id}`)))
            return all.every((task) => ['review', 'done', 'failed'].includes(task.status)) ? all : undefined
          },
          'the agent CLIs to finish',
          300_000,
        )
        expect(ended.map((task, i) => `${agents[i]} ${statusOf(task)}`)).toEqual(
          agents.map((agent) => `${agent} review`),
        )
        // Codex says when it retries (the others retry without a word Cadre can see).
        let reconnects = 0
        for (const id of ids) {
          const { events } = await api(`/api/tasks/${id}/events?limit=1000`)
          reconnects += events.filter(
            (e: Json) => e.type === 'agent.other' && /^Reconnecting/.test(e.data.raw?.message ?? ''),
          ).length
        }
        console.log(
          `model-faults: ${ids.length} agent CLI tasks in review; Codex retried ${reconnects} calls`,
        )
      }
    } finally {
      server?.child.kill('SIGTERM')
      await server?.exited
      sim.child.kill('SIGTERM')
      await sim.exited
    }
  }, 600_000)
})
