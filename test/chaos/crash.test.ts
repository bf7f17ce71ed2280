import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { chaosSeed, longRun, seededRandom } from '../support/chaos.ts'
import { readServerUrl, spawnCli, waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'

// Short in `npm test`; `npm run test:chaos` runs 20 tasks through 50 kills.
const taskCount = longRun ? 20 : 4
const killCount = longRun ? 50 : 10

// Each call appends one line unique to its task and step; a call run twice would show twice.
const steps = 6
const scenario: ScenarioInput = {
  name: 'appender',
  rules: [
    {
      when: { turn: { max: steps - 1 } },
      reply: [
        {
          toolCall: {
            tool: 'bash',
            input: { command: "sleep 0.2; echo '{{lastUserMessage}} step {{turn}}' >> lines.txt" },
          },
        },
      ],
    },
    { reply: [{ text: 'All lines written.' }] },
  ],
}

/** Processes still carrying one of these runs' marker. */
const markedProcesses = (runIds: string[]) =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
        return runIds.some((id) => environment.includes(`CADRE_RUN_ID=${id}`))
      } catch {
        return false
      }
    })

describe('crash: the server killed with SIGKILL at random moments while tasks run', () => {
  it('finishes every task, runs no tool call twice, keeps every log gapless, and leaves no process behind', async () => {
    const random = seededRandom(chaosSeed('crash'))
    await using sim = await startSimulator({ scenarios: [scenario] })
    const home = mkdtempSync(join(tmpdir(), 'cadre-crash-'))
    const repo = createGitRepo()
    const env = {
      CADRE_HOME: home,
      CADRE_PORT: '0',
      CADRE_TOKEN: '',
      ANTHROPIC_BASE_URL: sim.url,
      ANTHROPIC_API_KEY: 'sk-ant-sim-0123456789abcdef',
    }
    const servers: ReturnType<typeof spawnCli>[] = []
    const start = async () => {
      rmSync(join(home, 'server.json'), { force: true })
      const server = spawnCli(['serve'], env)
      servers.push(server)
      const url = await waitFor(() => readServerUrl(home), 'the server to start')
      const token = readFileSync(join(home, 'token'), 'utf8').trim()
      // biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
      const api = async (path: string, body?: unknown, method = 'POST'): Promise<any> =>
        (
          await fetch(`${url}${path}`, {
            method: body === undefined ? 'GET' : method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          })
        ).json()
      return { server, api }
    }

    let current = await start()
    const project = await current.api('/api/projects', { path: repo })
    // Every task runs at once (read at start-up: from the first restart on).
    await current.api('/api/settings', { maxConcurrentRuns: taskCount }, 'PATCH')
    const taskIds: string[] = []
    for (let i = 0; i < taskCount; i++) {
      const task = await current.api('/api/tasks', {
        projectId: project.id,
        prompt: `task-${i}`,
        model: 'anthropic:claude-haiku-4-5',
      })
      taskIds.push(task.id)
    }

    for (let kill = 0; kill < killCount; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 100 + random() * 1000))
      const { pid } = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'))
      process.kill(pid, 'SIGKILL')
      await current.server.exited
      current = await start()
    }

    const statuses = async () => Promise.all(taskIds.map((id) => current.api(`/api/tasks/${id}`)))
    try {
      const tasks = await waitFor(
        async () => {
          const all = await statuses()
          return all.every((task) => ['review', 'done', 'failed'].includes(task.status)) ? all : undefined
        },
        'every task to finish',
        // Generous: on a shared two-core machine, a browser test may run beside this one.
        180_000,
      ).catch(async (error) => {
        // What a stuck run looked like, to find why.
        for (const task of await statuses()) {
          const { events } = await current.api(`/api/tasks/${task.id}/events?limit=1000`)
          const last = events.slice(-6).map((e: { seq: number; type: string }) => `${e.seq} ${e.type}`)
          const runs = JSON.stringify(task.runs)
          console.error(`${task.id} ${task.status} ${task.statusReason ?? ''}: ${last.join(', ')}\n${runs}`)
        }
        const { stdout, stderr } = servers.at(-1)!.output
        console.error(`the last server's log:\n${stdout.slice(-6000)}\n${stderr.slice(-2000)}`)
        throw error
      })
      for (const [i, id] of taskIds.entries()) {
        const { events } = await current.api(`/api/tasks/${id}/events?limit=1000`)
        // Each task wrote its lines in its own worktree: none twice. A call the kill cut is never
        // run again, so a task whose every call was cut wrote nothing, and is done with no changes;
        // then no call of it may have finished, or its line was lost.
        const workspace = events.find((e: { type: string }) => e.type === 'workspace.ready').data.path
        const written = existsSync(join(workspace, 'lines.txt'))
        const task = tasks[i]
        expect(`${task.status} ${task.statusReason ?? ''}`.trim(), id).toBe(written ? 'review' : 'done')
        if (written) {
          const lines = readFileSync(join(workspace, 'lines.txt'), 'utf8').trim().split('\n')
          expect(new Set(lines).size).toBe(lines.length)
        } else {
          const appended = events.filter(
            (e: { type: string; data: { tool?: string; isError?: boolean } }) =>
              e.type === 'tool.finished' && e.data.tool === 'bash' && !e.data.isError,
          )
          expect(appended, `${id} finished a call but wrote no line`).toEqual([])
        }
        expect(events.map((e: { seq: number }) => e.seq)).toEqual(
          events.map((_e: unknown, i: number) => i + 1),
        )
        const finished = events
          .filter((e: { type: string }) => e.type === 'tool.finished')
          .map((e: { data: { callId: string } }) => e.data.callId)
        expect(new Set(finished).size).toBe(finished.length)
      }
      const runIds = tasks.flatMap((task) => task.runs.map((run: { id: string }) => run.id))
      expect(markedProcesses(runIds)).toEqual([])
    } finally {
      current.server.child.kill('SIGTERM')
      await current.server.exited
    }
  }, 600_000)
})
