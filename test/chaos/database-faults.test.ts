import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { spawnCli, waitFor } from '../support/cli.ts'
import { startEmbeddedPostgres } from '../support/embedded-postgres-server.ts'
import { type Json, startFaultServer } from '../support/fault-server.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { lineStepsScenario } from '../support/line-steps-scenario.ts'
import { simulatorEnv } from '../support/serve-with-sim.ts'

// Each call runs one command that appends a line; then the task ends with a word.
const scenario = lineStepsScenario(8, 0.4)
const model = 'anthropic:claude-haiku-4-5'

describe('database faults under a real server on PostgreSQL', () => {
  it('PostgreSQL shut down mid-run: clear 503s, runs that wait instead of failing, and all going on once it is back', async () => {
    await using sim = await startSimulator({ scenarios: [scenario] })
    const postgres = await startEmbeddedPostgres({ password: 'cadre-db-faults' })
    const home = mkdtempSync(join(tmpdir(), 'cadre-pg-down-'))
    const server = await startFaultServer(
      () =>
        spawnCli(['serve'], {
          CADRE_HOME: home,
          CADRE_PORT: '0',
          CADRE_TOKEN: '',
          DATABASE_URL: postgres.url,
          ...simulatorEnv(sim.url),
        }),
      (path) => join(home, path),
    )
    try {
      const project = (await server.api('/api/projects', { path: createGitRepo() })).body
      const running: string[] = []
      for (let i = 0; i < 2; i++)
        running.push(
          (await server.api('/api/tasks', { projectId: project.id, prompt: `during-${i}`, model })).body.id,
        )
      for (const id of running)
        await waitFor(
          async () =>
            (await server.events(id)).some((e: Json) => e.type === 'tool.started') ? true : undefined,
          `task ${id} to be running a command`,
        )

      await postgres.halt()
      const refused = await waitFor(async () => {
        const answer = await server.api(`/api/tasks/${running[0]}`)
        return answer.status === 200 ? undefined : answer
      }, 'a request to be refused')
      expect(refused).toEqual({
        status: 503,
        body: {
          error: {
            code: 'unavailable',
            message: expect.stringMatching(
              /^the database cannot be reached \(.+\); check that PostgreSQL is running, reachable and accepts Cadre's credentials\. Nothing stored is lost$/,
            ),
            details: { storage: 'unreachable' },
          },
        },
      })
      // The runs stop where they are, saying why in the log; the server stays up.
      await waitFor(
        () =>
          server.logged().some((line) => line.msg.startsWith('the run stopped, to resume by itself')) ||
          undefined,
        'a run to stop for the database',
      )
      expect(server.process.child.exitCode).toBeNull()
      // A load balancer's probe, without a token, is told it is not ready, and nothing more.
      const probe = async () => {
        const response = await fetch(`${server.url}/api/ready`)
        return { status: response.status, body: await response.json() }
      }
      expect(await probe()).toEqual({ status: 503, body: { ready: false, storage: 'unreachable' } })

      await postgres.resume()
      for (const id of running) {
        const task = await server.settled(id, undefined, 120_000)
        expect(`${task.status} ${task.statusReason ?? ''}`.trim()).toBe('review')
        const events = await server.events(id)
        expect(events.map((e: Json) => e.seq)).toEqual(events.map((_e: Json, i: number) => i + 1))
      }
      expect(await probe()).toEqual({ status: 200, body: { ready: true } })
      const after = (await server.api('/api/tasks', { projectId: project.id, prompt: 'after', model })).body
      expect((await server.settled(after.id)).status).toBe('review')
      const log = server.logged()
      expect(log.filter((line) => line.level >= 50).map((line) => line.msg)).not.toContainEqual(
        expect.stringMatching(/^internal/),
      )
      expect(`${server.process.output.stdout}${server.process.output.stderr}`).not.toMatch(
        /\n\s+at .+:\d+:\d+/,
      )
    } catch (error) {
      console.error(
        `the server's output:\n${server.process.output.stdout.slice(-8000)}\n${server.process.output.stderr.slice(-3000)}`,
      )
      throw error
    } finally {
      await server.stop()
      await postgres.stop()
    }
  }, 300_000)
})
