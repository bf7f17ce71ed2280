import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { longRun } from '../support/chaos.ts'
import { spawnCli, waitFor } from '../support/cli.ts'
import { canMount, type FaultMounts, startFaultMounts } from '../support/fault-mounts.ts'
import { databaseIn, type FaultServer, type Json, startFaultServer } from '../support/fault-server.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { lineStepsScenario } from '../support/line-steps-scenario.ts'
import { simulatorEnv } from '../support/serve-with-sim.ts'

// Each call runs one command that appends a line; then the task ends with a word.
const scenario = lineStepsScenario(6, 0.3)
const model = 'anthropic:claude-haiku-4-5'

const serverEnv = (home: string, simUrl: string, extra: NodeJS.ProcessEnv = {}) => ({
  CADRE_HOME: home,
  CADRE_PORT: '0',
  CADRE_TOKEN: '',
  ...simulatorEnv(simUrl),
  ...extra,
})

/** SQLite's integrity check of the database in the namespace, run there. */
const integrity = (mounts: FaultMounts, home: string) =>
  mounts
    .run([process.execPath, join(import.meta.dirname, '../support/fault-integrity.ts'), databaseIn(home)])
    .trim()

/** A task run to its end on the server. */
const runTask = async (server: FaultServer, projectId: string, prompt: string) => {
  const created = await server.api('/api/tasks', { projectId, prompt, model })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  return server.settled(created.body.id)
}

/** Waits until the task is in the middle of its run: a command of it is running. */
const midRun = (server: FaultServer, id: string) =>
  waitFor(
    async () => ((await server.events(id)).some((e: Json) => e.type === 'tool.started') ? true : undefined),
    `task ${id} to be running a command`,
  )

const statusOf = (task: Json) => `${task.status} ${task.statusReason ?? ''}`.trim()

/** A line a person reads, not a program's insides: no stack trace. */
const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/)

describe.skipIf(!canMount())('resource faults under a real server', () => {
  it('a full disk: clear 503s and log lines, a run that waits instead of failing, an intact database, and all going on once there is room', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cadre-disk-full-'))
    await using sim = await startSimulator({ scenarios: [scenario] })
    // Cadre's home (database and worktrees) on a disk of its own, 64 MiB.
    await using mounts = await startFaultMounts(`mount -t tmpfs -o size=64m tmpfs ${home}`)
    const at = (path: string) => mounts.inside(join(home, path))
    const env = serverEnv(home, sim.url)
    const start = () => startFaultServer(() => mounts.spawnCli(['serve'], env), at)
    let server = await start()
    try {
      const project = (await server.api('/api/projects', { path: createGitRepo() })).body
      const before = await runTask(server, project.id, 'before')
      expect(statusOf(before)).toBe('review')
      const storedBefore = await server.events(before.id)

      // Tasks in the middle of their runs when the disk fills up.
      const running: string[] = []
      for (let i = 0; i < (longRun ? 4 : 2); i++) {
        running.push(
          (await server.api('/api/tasks', { projectId: project.id, prompt: `during-${i}`, model })).body.id,
        )
      }
      for (const id of running) await midRun(server, id)
      const filler = openSync(at('filler'), 'w')
      try {
        for (const block = Buffer.alloc(1 << 20); ; ) writeSync(filler, block)
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC')
      } finally {
        closeSync(filler)
      }

      // SQLite may still reuse room in its write-ahead log for a write or two: then one fails.
      const refused = await waitFor(async () => {
        const answer = await server.api('/api/tasks', {
          projectId: project.id,
          prompt: 'probe',
          model,
          start: false,
        })
        return answer.status === 201 ? undefined : answer
      }, 'a write to be refused')
      expect(refused).toEqual({
        status: 503,
        body: {
          error: {
            code: 'unavailable',
            message: expect.stringMatching(
              /^the database cannot be written: the disk is full \(database or disk is full\); free some space\. Nothing stored is lost$/,
            ),
            details: { storage: 'disk_full' },
          },
        },
      })
      // Reading goes on: what was stored is all there.
      expect((await server.api(`/api/tasks/${before.id}`)).body.status).toBe('review')
      expect(await server.events(before.id)).toEqual(storedBefore)
      // The runs stop where they are, and say why in the log; none is failed for it.
      await waitFor(
        () =>
          server.logged().some((line) => line.msg.startsWith('the run stopped, to resume by itself')) ||
          undefined,
        'a run to stop for the full disk',
      )
      for (const id of running) expect((await server.api(`/api/tasks/${id}`)).body.status).not.toBe('failed')
      const log = server.logged()
      expect(log.filter((line) => line.level >= 50).map((line) => line.msg)).not.toContainEqual(
        expect.stringMatching(/rollback|^internal/),
      )

      // Room again: the stopped runs are taken up again (their lease ran out) and finish.
      rmSync(at('filler'))
      expect(integrity(mounts, home)).toBe('ok')
      for (const id of running) {
        expect(statusOf(await server.settled(id, undefined, 90_000))).toBe('review')
        const events = await server.events(id)
        expect(events.map((e: Json) => e.seq)).toEqual(events.map((_e: Json, i: number) => i + 1))
      }
      expect(statusOf(await runTask(server, project.id, 'after'))).toBe('review')

      // And a server started again on the same home works, with everything there.
      await server.stop()
      server = await start()
      expect((await server.api(`/api/tasks/${before.id}`)).body.status).toBe('review')
      expect(statusOf(await runTask(server, project.id, 'restarted'))).toBe('review')
      await server.stop()
      expect(integrity(mounts, home)).toBe('ok')
    } catch (error) {
      // What the server said, to see why.
      console.error(
        `the server's output:\n${server.process.output.stdout.slice(-6000)}\n${server.process.output.stderr.slice(-3000)}`,
      )
      throw error
    } finally {
      await server.stop()
    }
  }, 300_000)

  it('a read-only home: a server that will not start says why, loses nothing, and starts once it is writable', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cadre-read-only-'))
    await using sim = await startSimulator({ scenarios: [scenario] })
    // The home bind-mounted on itself, to be made read-only between two servers (while one has
    // the database open for writing, the kernel refuses: "mount point is busy").
    await using mounts = await startFaultMounts(`mount --bind ${home} ${home}`)
    const at = (path: string) => mounts.inside(join(home, path))
    const env = serverEnv(home, sim.url)
    const start = () => startFaultServer(() => mounts.spawnCli(['serve'], env), at)
    let server = await start()
    const project = (await server.api('/api/projects', { path: createGitRepo() })).body
    const before = await runTask(server, project.id, 'before')
    const interrupted = (
      await server.api('/api/tasks', { projectId: project.id, prompt: 'interrupted', model })
    ).body
    await midRun(server, interrupted.id)
    await server.crash()

    mounts.run(['mount', '-o', 'remount,ro,bind', home])
    const refused = mounts.spawnCli(['serve'], env)
    expect(await refused.exited).toBe(1)
    expect(refused.output.stderr.trim()).toBe(
      `cadre: cannot use the database ${databaseIn(home)}: the database cannot be written: it is read-only (attempt to write a readonly database); make the database file and its folder writable (on a read-only mount they cannot be). Nothing stored is lost`,
    )
    noStackTrace(refused.output.stderr + refused.output.stdout)
    expect(integrity(mounts, home)).toBe('ok')

    mounts.run(['mount', '-o', 'remount,rw,bind', home])
    server = await start()
    try {
      expect((await server.api(`/api/tasks/${before.id}`)).body.status).toBe('review')
      // The run the crash left is taken up again and finishes.
      expect(statusOf(await server.settled(interrupted.id, undefined, 90_000))).toBe('review')
      expect(statusOf(await runTask(server, project.id, 'after'))).toBe('review')
    } finally {
      await server.stop()
    }
    expect(integrity(mounts, home)).toBe('ok')
  }, 300_000)
})

describe('resource faults under a real server, no mounts needed', () => {
  it('a workspace deleted under a running task: that task fails saying so, the others go on, and a follow-up starts it again', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cadre-workspace-gone-'))
    await using sim = await startSimulator({ scenarios: [scenario] })
    const server = await startFaultServer(
      () => spawnCli(['serve'], serverEnv(home, sim.url)),
      (path) => join(home, path),
    )
    try {
      const project = (await server.api('/api/projects', { path: createGitRepo() })).body
      const create = async (prompt: string) =>
        (await server.api('/api/tasks', { projectId: project.id, prompt, model })).body.id as string
      const victim = await create('victim')
      const bystanders = [await create('bystander-1'), await create('bystander-2')]
      await midRun(server, victim)
      const workspace = (await server.events(victim)).find((e: Json) => e.type === 'workspace.ready').data
        .path
      rmSync(workspace, { recursive: true, force: true })

      const failed = await server.settled(victim)
      expect(failed.status).toBe('failed')
      expect(failed.statusReason).toContain(
        `the folder ${workspace} to run in does not exist (was the workspace deleted?)`,
      )
      noStackTrace(failed.statusReason)
      for (const id of bystanders) expect(statusOf(await server.settled(id))).toBe('review')

      // A follow-up makes the workspace again, from the task's branch, and the task goes on.
      const followed = await server.api(`/api/tasks/${victim}/messages`, { text: 'go on' })
      expect(followed.status, JSON.stringify(followed.body)).toBeLessThan(300)
      const again = await server.settled(victim, ['review', 'done', 'failed'])
      expect(['review', 'done']).toContain(again.status)
      expect(statusOf(await runTask(server, project.id, 'after'))).toBe('review')
    } finally {
      await server.stop()
    }
  }, 180_000)

  it('an agent CLI missing, crashing or failing: a clear state naming the cause, other tasks untouched, and all well once it is back', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cadre-agent-faults-'))
    await using sim = await startSimulator({ scenarios: [scenario] })
    const bin = mkdtempSync(join(tmpdir(), 'cadre-fake-agents-'))
    const codex = join(bin, 'codex')
    // A stand-in for Codex, speaking its `exec --json` lines: it crashes or fails when asked to.
    const fakeCodex = `#!/bin/sh
[ "$1" = "--version" ] && { echo "codex-cli 0.0.0-fake"; exit 0; }
for last; do :; done
echo '{"type":"thread.started","thread_id":"th_fake"}'
echo '{"type":"turn.started"}'
case "$last" in
  *again*) ;;
  *crash*) echo "fake codex: segmentation fault ahead" >&2; kill -SEGV $$ ;;
  *fail*) echo "fake codex: no model provider configured" >&2; exit 1 ;;
esac
echo "written by codex" > codex.txt
echo '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Done."}}'
echo '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":2}}'
`
    const env = serverEnv(home, sim.url, { PATH: `${bin}:${process.env.PATH}` })
    const start = () =>
      startFaultServer(
        () => spawnCli(['serve'], env),
        (path) => join(home, path),
      )
    // Codex is not installed when the server starts.
    let server = await start()
    try {
      const project = (await server.api('/api/projects', { path: createGitRepo() })).body
      const create = async (prompt: string, agent = 'codex') =>
        (await server.api('/api/tasks', { projectId: project.id, prompt, agent, model: 'openai:gpt-5.5' }))
          .body.id as string
      const waiting = await create('write codex.txt')
      const builtin = await server.api('/api/tasks', { projectId: project.id, prompt: 'meanwhile', model })
      expect(statusOf(await server.settled(builtin.body.id))).toBe('review')
      expect(statusOf((await server.api(`/api/tasks/${waiting}`)).body)).toBe(
        'queued waiting for a server with the codex agent: it is not installed on this one (cadre agents install codex, then restart Cadre), or choose another agent',
      )

      // Installed, and the server restarted: the waiting task runs.
      writeFileSync(codex, fakeCodex)
      chmodSync(codex, 0o755)
      await server.stop()
      server = await start()
      expect(statusOf(await server.settled(waiting))).toBe('review')

      const crashing = await create('crash, please')
      const failing = await create('fail, please')
      const beside = await server.api('/api/tasks', { projectId: project.id, prompt: 'beside', model })
      expect(statusOf(await server.settled(crashing))).toBe(
        'failed codex: codex crashed (SIGSEGV, exit 139): fake codex: segmentation fault ahead',
      )
      expect(statusOf(await server.settled(failing))).toBe(
        'failed codex: codex exited with 1: fake codex: no model provider configured',
      )
      expect(statusOf(await server.settled(beside.body.id))).toBe('review')

      // Uninstalled under the running server: the next task fails, naming the missing program.
      rmSync(codex)
      const gone = await server.settled(await create('write codex.txt'))
      expect(gone.status).toBe('failed')
      // In words of whoever looked for it: the sandbox's shell, or Node when there is no sandbox.
      expect(gone.statusReason).toMatch(
        new RegExp(
          `^codex: codex exited with 127: .*${codex}(: not found| ENOENT|: No such file or directory)$`,
        ),
      )
      noStackTrace(gone.statusReason)

      // Back again: a follow-up to the crashed task runs.
      writeFileSync(codex, fakeCodex)
      chmodSync(codex, 0o755)
      await server.api(`/api/tasks/${crashing}/messages`, { text: 'try again' })
      expect(statusOf(await server.settled(crashing))).toBe('review')
    } finally {
      await server.stop()
    }
  }, 180_000)
})
