import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { runCli } from '../support/cli.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  }).trim()

/** A repository with history and 5,000+ files, on `main`. */
const bigRepository = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cadre-big-')), 'big')
  mkdirSync(dir)
  git(dir, 'init', '-q', '-b', 'main')
  for (let d = 0; d < 50; d++) {
    mkdirSync(join(dir, `pkg${d}`))
    for (let f = 0; f < 101; f++)
      writeFileSync(join(dir, `pkg${d}`, `file${f}.txt`), `package ${d} file ${f}\n`)
  }
  writeFileSync(join(dir, 'greeting.txt'), 'hello\n')
  writeFileSync(join(dir, '.gitignore'), 'build/\n')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'the first 5,000 files')
  writeFileSync(join(dir, 'README.md'), '# big\n')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'a readme')
  return dir
}

const write = (path: string, content: string) => ({
  toolCall: { tool: 'write_file', input: { path, content } },
})
const bash = (command: string) => ({ toolCall: { tool: 'bash', input: { command } } })

// Each task's prompt names what it does; each step is one rule, chosen by the last tool result.
const scenario: ScenarioInput = {
  name: 'workspace',
  rules: [
    // A commit message asked for by Cadre (POST /commit without one).
    {
      when: { lastUserMessage: { contains: 'The changes:' } },
      reply: [{ text: 'Record the second release' }],
    },
    // Greeting task: two writing steps (a tracked file, then an untracked one), then done.
    {
      when: { lastUserMessage: { contains: 'greet the' }, toolResult: 'none' },
      reply: [write('greeting.txt', 'hello, world\n')],
    },
    {
      when: {
        lastUserMessage: { contains: 'greet the' },
        lastToolResult: { contains: 'wrote greeting.txt' },
      },
      reply: [write('notes/new.txt', 'untracked\n'), bash('mkdir -p build && echo ignored > build/out')],
    },
    {
      when: { lastToolResult: { contains: 'exit code 0' }, lastUserMessage: { contains: 'greet the' } },
      reply: [{ text: 'Greeted.' }],
    },
    // Rival task: changes the same line differently.
    {
      when: { lastUserMessage: { contains: 'rival' }, toolResult: 'none' },
      reply: [write('greeting.txt', 'hi there\n')],
    },
    { when: { lastUserMessage: { contains: 'rival' } }, reply: [{ text: 'Changed the greeting my way.' }] },
    // The follow-up after a merge conflict: merge main in, resolve, commit.
    {
      when: { lastUserMessage: { contains: 'resolve' }, lastToolResult: { contains: 'wrote greeting.txt' } },
      reply: [
        bash(
          'git merge main >/dev/null 2>&1; printf "hello, world and hi there\\n" > greeting.txt && git add greeting.txt && git -c user.name=a -c user.email=a@b commit -qm "Merge main" && echo resolved',
        ),
      ],
    },
    { when: { lastUserMessage: { contains: 'resolve' } }, reply: [{ text: 'Resolved: {{lastToolResult}}' }] },
    // Small task: adds a file.
    {
      when: { lastUserMessage: { contains: 'license' }, toolResult: 'none' },
      reply: [write('LICENSE', 'MIT\n')],
    },
    { when: { lastUserMessage: { contains: 'license' } }, reply: [{ text: 'Licensed.' }] },
    // Scratch task: leaves changed and untracked files.
    {
      when: { lastUserMessage: { contains: 'scratch' }, toolResult: 'none' },
      reply: [write('README.md', '# scratch\n'), write('scratch.txt', 'draft\n')],
    },
    { when: { lastUserMessage: { contains: 'scratch' } }, reply: [{ text: 'Scratched.' }] },
    // Changelog task: adds a file.
    {
      when: { lastUserMessage: { contains: 'changelog' }, toolResult: 'none' },
      reply: [write('CHANGELOG', 'v1\n')],
    },
    { when: { lastUserMessage: { contains: 'changelog' } }, reply: [{ text: 'Logged.' }] },
    // A commit message asked for by Cadre (POST /commit without one).
    {
      when: { lastUserMessage: { contains: 'The changes:' } },
      reply: [{ text: 'Record the second release' }],
    },
    // Wipe task: deletes most of the repository.
    {
      when: { lastUserMessage: { contains: 'wipe' }, toolResult: 'none' },
      reply: [bash('git rm -rq pkg* && echo wiped')],
    },
    { when: { lastUserMessage: { contains: 'wipe' } }, reply: [{ text: 'Cleaned up.' }] },
    // Warm task: reads and changes a dependency copied from the checkout.
    {
      when: { lastUserMessage: { contains: 'warm' }, toolResult: 'none' },
      reply: [bash('cat node_modules/dep/index.js .env.local && echo "changed" > node_modules/dep/index.js')],
    },
    { when: { lastUserMessage: { contains: 'warm' } }, reply: [{ text: 'Used: {{lastToolResult}}' }] },
    { reply: [{ text: 'Nothing to do.' }] },
  ],
}

describe('worktrees, checkpoints, review and merge on a real repository', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let repo: string
  let projectId: string
  const create = async (prompt: string, project = projectId) =>
    (
      await (
        await served.api('/api/tasks', { projectId: project, prompt, model: 'anthropic:claude-sonnet-4-5' })
      ).json()
    ).id as string
  const addProject = async (path: string) =>
    (await (await served.api('/api/projects', { path })).json()).id as string
  const events = async (id: string) =>
    (await (await served.api(`/api/tasks/${id}/events`)).json()).events as {
      type: string
      seq: number
      data: Record<string, unknown>
    }[]

  beforeAll(async () => {
    repo = bigRepository()
    served = await serveWithSimulator([scenario])
    projectId = await addProject(repo)
  })
  afterAll(() => served.close())

  let greeting: string
  let rival: string

  it('works in its own worktree on its own branch, checkpointing every writing step', async () => {
    // Two tasks at once: neither sees the other's changes.
    greeting = await create('greet the world')
    rival = await create('rival salutation')
    const done = await served.settled(greeting, ['review', 'failed', 'done'])
    await served.settled(rival, ['review', 'failed', 'done'])
    expect(done.status).toBe('review')
    expect(done.branch).toMatch(/^cadre\/greet-the-world-/)
    const mine = await served.workspaceOf(greeting)
    const theirs = await served.workspaceOf(rival)
    expect(readFileSync(join(mine, 'greeting.txt'), 'utf8')).toBe('hello, world\n')
    expect(readFileSync(join(theirs, 'greeting.txt'), 'utf8')).toBe('hi there\n')
    expect(existsSync(join(theirs, 'notes/new.txt'))).toBe(false)
    expect(readFileSync(join(repo, 'greeting.txt'), 'utf8')).toBe('hello\n') // the checkout is untouched
    expect(git(mine, 'branch', '--show-current')).toBe(done.branch)

    const { checkpoints } = await (await served.api(`/api/tasks/${greeting}/checkpoints`)).json()
    expect(checkpoints.map((c: { checkpoint: number; step: number }) => [c.checkpoint, c.step])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ])
    // A checkpoint holds the untracked file (not the ignored one), on a hidden ref, not on the branch.
    expect(git(repo, 'show', `${checkpoints[2].ref}:notes/new.txt`)).toBe('untracked')
    expect(() => git(repo, 'show', `${checkpoints[2].ref}:build/out`)).toThrow()
    expect(git(repo, 'log', '--format=%s', '-1', done.branch)).toBe('a readme')
    expect(git(mine, 'status', '--porcelain')).toContain('?? notes/')
  })

  it('shows the diff against the base and per checkpoint, a file at a time when asked', async () => {
    const diff = await (await served.api(`/api/tasks/${greeting}/diff`)).json()
    expect(diff.files.map((f: { path: string; status: string }) => `${f.status} ${f.path}`)).toEqual([
      'modified greeting.txt',
      'added notes/new.txt',
    ])
    expect(diff.stats).toEqual({ files: 2, additions: 2, deletions: 1 })
    expect(diff.files[0].patch).toContain('-hello\n+hello, world')
    expect(diff.suspicious).toBeUndefined()
    const second = await (await served.api(`/api/tasks/${greeting}/diff?checkpoint=2`)).json()
    expect(second.files.map((f: { path: string }) => f.path)).toEqual(['notes/new.txt'])
    const one = await (await served.api(`/api/tasks/${greeting}/diff?path=greeting.txt`)).json()
    expect(one.files).toHaveLength(1)
    expect((await served.api(`/api/tasks/${greeting}/diff?checkpoint=9`)).status).toBe(404)
  })

  it('rolls back the workspace and the conversation, and forks from a checkpoint', async () => {
    const rolled = await served.api(`/api/tasks/${greeting}/rollback`, { checkpoint: 1 })
    expect(rolled.status).toBe(200)
    const mine = await served.workspaceOf(greeting)
    expect(existsSync(join(mine, 'notes/new.txt'))).toBe(false)
    expect(readFileSync(join(mine, 'greeting.txt'), 'utf8')).toBe('hello, world\n')
    expect((await events(greeting)).at(-1)).toMatchObject({
      type: 'task.rolled_back',
      data: { checkpoint: 1 },
    })

    const fork = await (await served.api(`/api/tasks/${greeting}/fork`, { checkpoint: 2 })).json()
    expect(fork).toMatchObject({
      status: 'backlog',
      branch: expect.stringMatching(/^cadre\/greet-the-world-.*fork/),
    })
    const forkEvents = await events(fork.id)
    expect(forkEvents.map((e) => e.type)).toContain('message.assistant') // the conversation came along
    const forkDiff = await (await served.api(`/api/tasks/${fork.id}/diff`)).json()
    expect(forkDiff.files.map((f: { path: string }) => f.path)).toEqual(['greeting.txt', 'notes/new.txt'])
  })

  it('commits and merges into the base branch checked out in the main checkout', async () => {
    const committed = await (
      await served.api(`/api/tasks/${greeting}/commit`, { message: 'Greet the world' })
    ).json()
    expect(committed).toMatchObject({ message: 'Greet the world', files: 1 })
    const again = await served.api(`/api/tasks/${greeting}/commit`, {})
    expect(again.status).toBe(409)
    const merged = await served.api(`/api/tasks/${greeting}/merge`, { strategy: 'merge' })
    expect(await merged.json()).toMatchObject({ merged: true, baseBranch: 'main' })
    expect(readFileSync(join(repo, 'greeting.txt'), 'utf8')).toBe('hello, world\n')
    expect(git(repo, 'log', '--format=%s', '-1')).toMatch(/^Merge cadre\/greet-the-world-/)
    expect((await (await served.api(`/api/tasks/${greeting}`)).json()).status).toBe('done')
  })

  it('turns a conflicting merge into needs_input with the files, and merges once an agent resolved it', async () => {
    // A merge commit's conflict (git says it on stdout only) is caught like a squash's.
    const conflict = await served.api(`/api/tasks/${rival}/merge`, { strategy: 'merge' })
    expect(conflict.status).toBe(409)
    expect((await conflict.json()).error).toMatchObject({
      code: 'merge_conflict',
      details: { baseBranch: 'main', files: ['greeting.txt'] },
    })
    expect(git(repo, 'status', '--porcelain')).toBe('') // nothing half-merged left in the checkout
    const waiting = await (await served.api(`/api/tasks/${rival}`)).json()
    expect(waiting).toMatchObject({
      status: 'needs_input',
      statusReason: expect.stringContaining('greeting.txt'),
    })

    await served.api(`/api/tasks/${rival}/messages`, { text: 'please resolve the conflict with main' })
    await served.settled(rival, ['review', 'failed', 'done'])
    const merged = await served.api(`/api/tasks/${rival}/merge`, { strategy: 'squash' })
    expect(merged.status).toBe(200)
    expect(readFileSync(join(repo, 'greeting.txt'), 'utf8')).toBe('hello, world and hi there\n')
  })

  it('merges through a temporary worktree when the checkout is on another branch, leaving it untouched', async () => {
    git(repo, 'checkout', '-q', '-b', 'experiment')
    writeFileSync(join(repo, 'README.md'), '# my own uncommitted edit\n')
    const license = await create('add a license')
    await served.settled(license, ['review', 'failed', 'done'])
    const merged = await served.api(`/api/tasks/${license}/merge`, { strategy: 'rebase' })
    expect(merged.status).toBe(200)
    expect(git(repo, 'branch', '--show-current')).toBe('experiment')
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# my own uncommitted edit\n')
    expect(existsSync(join(repo, 'LICENSE'))).toBe(false)
    expect(git(repo, 'show', 'main:LICENSE')).toBe('MIT')
    git(repo, 'checkout', '-q', '--', 'README.md')
    git(repo, 'checkout', '-q', 'main')
  })

  it('refuses to merge into a checkout whose base branch has uncommitted changes', async () => {
    const scratch = await create('scratch pad')
    await served.settled(scratch, ['review', 'failed', 'done'])
    writeFileSync(join(repo, 'README.md'), '# dirty\n')
    const refused = await served.api(`/api/tasks/${scratch}/merge`, {})
    expect(refused.status).toBe(409)
    expect((await refused.json()).error.message).toMatch(/uncommitted changes; commit or stash them/)
    git(repo, 'checkout', '-q', '--', 'README.md')

    // Discarded: the work is gone from the branch but kept, untracked file too, under the archive ref.
    // The repository's config is left as it was (regression: `git branch -D` rewrote it, and a
    // sandbox starting at that moment failed to bind it read-only).
    const config = statSync(join(repo, '.git', 'config'))
    const discarded = await (await served.api(`/api/tasks/${scratch}/discard`, {})).json()
    expect(statSync(join(repo, '.git', 'config')).ino).toBe(config.ino)
    expect(discarded.status).toBe('cancelled')
    const archive = `refs/cadre/archive/${scratch}`
    expect(git(repo, 'show', `${archive}:scratch.txt`)).toBe('draft')
    expect(git(repo, 'show', `${archive}:README.md`)).toBe('# scratch')
    expect(git(repo, 'branch', '--list', discarded.branch)).toBe('')
    expect(existsSync(await served.workspaceOf(scratch))).toBe(false)
    // Its diff is refused, saying where the work is, and nothing is made again (regression: the
    // workspace was made anew on a new branch from the base; found by the soak).
    const diff = await served.api(`/api/tasks/${scratch}/diff`)
    expect(diff.status).toBe(409)
    expect((await diff.json()).error.message).toContain(`changes were discarded`)
    expect(existsSync(await served.workspaceOf(scratch))).toBe(false)
    expect(git(repo, 'branch', '--list', discarded.branch)).toBe('')
  })

  it('shows, rolls back and merges from the command line', async () => {
    const cli = (...args: string[]) =>
      runCli(args, { CADRE_HOME: served.home, CADRE_TOKEN: '', CADRE_URL: '' })
    const changelog = await create('write a changelog')
    await served.settled(changelog, ['review', 'failed', 'done'])
    const stat = await cli('task', 'diff', changelog, '--stat')
    expect(stat).toMatchObject({ code: 0, stderr: '' })
    expect(stat.stdout).toContain('added     CHANGELOG  +1 -0')
    expect((await cli('task', 'diff', changelog)).stdout).toContain('+++ b/CHANGELOG\n@@ -0,0 +1 @@\n+v1')
    expect((await cli('task', 'checkpoints', changelog)).stdout).toMatch(
      /^CHECKPOINT +TIME +STEP +SEQ +COMMIT\n0 /,
    )
    // A mistake in the command line exits 2, with what was wrong.
    expect(await cli('task', 'rollback', changelog, 'one')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('a checkpoint is a number'),
    })
    expect((await cli('task', 'rollback', changelog, '0')).stdout).toMatch(
      /^Task tsk_\w+ is back at checkpoint 0/,
    )
    expect((await cli('task', 'diff', changelog, '--stat')).stdout).toContain('No changes.')
    expect(await cli('task', 'merge', changelog, '--strategy', 'octopus')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--strategy is merge, squash or rebase'),
    })
  }, 90_000) // seven CLI runs, each starting Node, on a shared machine

  it("writes a commit message with the task's model when none is given", async () => {
    const changelog = await create('write a changelog again')
    await served.settled(changelog, ['review', 'failed', 'done'])
    await served.api(`/api/tasks/${changelog}/messages`, { text: 'changelog: add v2' })
    await served.settled(changelog, ['review', 'failed', 'done'])
    const committed = await (await served.api(`/api/tasks/${changelog}/commit`, {})).json()
    expect(committed).toMatchObject({ message: 'Record the second release', files: 1 })
    const { workspace } = await (await served.api(`/api/tasks/${changelog}`)).json()
    expect(git(workspace.path, 'log', '--format=%s', '-1')).toBe('Record the second release')
  })

  it('flags a diff that deletes most of the repository as suspicious', async () => {
    const wipe = await create('wipe the packages')
    await served.settled(wipe, ['review', 'failed', 'done'])
    const diff = await (await served.api(`/api/tasks/${wipe}/diff`)).json()
    expect(diff.stats.files).toBe(5050)
    expect(diff.suspicious).toMatch(/^it deletes 5050 of the 505\d files the repository had/)
    const summary = await runCli(['task', 'diff', wipe, '--stat'], {
      CADRE_HOME: served.home,
      CADRE_TOKEN: '',
      CADRE_URL: '',
    })
    expect(summary.stdout).toMatch(/^! suspicious: it deletes 5050 of/)
  })

  it("runs the project's setup script once in a new workspace, and fails the task clearly when it fails", async () => {
    const withSetup = (script: string) => {
      const dir = join(mkdtempSync(join(tmpdir(), 'cadre-setup-')), 'app')
      mkdirSync(join(dir, '.cadre'), { recursive: true })
      git(dir, 'init', '-q', '-b', 'main')
      writeFileSync(join(dir, '.cadre', 'setup.sh'), script)
      git(dir, 'add', '-A')
      git(dir, 'commit', '-q', '-m', 'with a setup script')
      return dir
    }
    const good = await addProject(withSetup('echo installing; echo done > .setup-ran\n'))
    const id = await create('changelog please', good)
    await served.settled(id, ['review', 'failed', 'done'])
    const setups = (await events(id)).filter((e) => e.type === 'setup.finished')
    expect(setups).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ script: '.cadre/setup.sh', exitCode: 0, output: 'installing' }),
      }),
    ])
    expect(existsSync(join(await served.workspaceOf(id), '.setup-ran'))).toBe(true)
    // A follow-up finds the workspace set up: the script does not run again.
    await served.api(`/api/tasks/${id}/messages`, { text: 'changelog: one more' })
    await served.settled(id, ['review', 'failed', 'done'])
    expect((await events(id)).filter((e) => e.type === 'setup.finished')).toHaveLength(1)

    const bad = await addProject(
      withSetup('echo fetching dependencies\necho "npm ERR! network unreachable" >&2\nexit 7\n'),
    )
    const failing = await create('changelog please', bad)
    const failed = await served.settled(failing, ['review', 'failed', 'done'])
    expect(failed.status).toBe('failed')
    expect(failed.statusReason).toBe(
      'the setup script (.cadre/setup.sh) failed (exit 7):\nfetching dependencies\nnpm ERR! network unreachable',
    )
  })

  it("starts a workspace warm: the project's copyIntoWorkspace paths copied from its checkout before the setup script, once", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cadre-warm-')), 'app')
    mkdirSync(dir)
    git(dir, 'init', '-q', '-b', 'main')
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.env.local\n')
    writeFileSync(join(dir, 'config.json'), '{"tracked": true}\n')
    git(dir, 'add', '-A')
    git(dir, 'commit', '-q', '-m', 'an app')
    // Installed and configured in the checkout, never committed.
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true })
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = "installed"\n')
    writeFileSync(join(dir, '.env.local'), 'API_URL=http://localhost:9\n')
    const warm = await addProject(dir)
    const bad = await served.api(
      `/api/projects/${warm}`,
      { settings: { copyIntoWorkspace: ['../outside'] } },
      'PATCH',
    )
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/copyIntoWorkspace\.0: a path inside the repository/)
    const patched = await served.api(
      `/api/projects/${warm}`,
      {
        settings: {
          copyIntoWorkspace: ['node_modules', '.env.local', 'config.json', 'vendor'],
          setupScript: 'test -f node_modules/dep/index.js && echo "already installed"',
        },
      },
      'PATCH',
    )
    expect(patched.status).toBe(200)

    const id = await create('use the warm dependency', warm)
    // Done, not in review: what was copied is ignored by git, so the task changed nothing.
    const done = await served.settled(id, ['review', 'failed', 'done'])
    expect(done.status).toBe('done')
    const stored = await events(id)
    const types = stored.map((e) => e.type)
    expect(types.indexOf('workspace.copied')).toBeLessThan(types.indexOf('setup.finished'))
    expect(stored.find((e) => e.type === 'workspace.copied')?.data.paths).toEqual([
      { path: 'node_modules', copied: true, durationMs: expect.any(Number) },
      { path: '.env.local', copied: true, durationMs: expect.any(Number) },
      { path: 'config.json', copied: false, note: 'already in the workspace' },
      { path: 'vendor', copied: false, note: "not in the project's checkout" },
    ])
    expect(stored.find((e) => e.type === 'setup.finished')?.data.output).toBe('already installed')
    expect(stored.findLast((e) => e.type === 'message.assistant')?.data.text).toContain(
      'module.exports = "installed"',
    )
    // A copy, not a link: the agent's change stays in its workspace; git ignores it there too.
    const workspace = await served.workspaceOf(id)
    expect(readFileSync(join(workspace, 'node_modules', 'dep', 'index.js'), 'utf8')).toBe('changed\n')
    expect(readFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'utf8')).toBe(
      'module.exports = "installed"\n',
    )
    const diff = await (await served.api(`/api/tasks/${id}/diff`)).json()
    expect(diff.files).toEqual([])
    // A follow-up finds the workspace warm already: nothing is copied again.
    await served.api(`/api/tasks/${id}/messages`, { text: 'warm: once more' })
    await served.settled(id, ['review', 'failed', 'done'])
    expect((await events(id)).filter((e) => e.type === 'workspace.copied')).toHaveLength(1)
  })

  it('cleans up finished worktrees, keeping every change under the ref it reports', async () => {
    const scratch = await create('scratch again')
    await served.settled(scratch, ['review', 'failed', 'done'])
    const path = await served.workspaceOf(scratch)
    await served.api(`/api/tasks/${scratch}/cancel`, {})
    const gc = await runCli(['gc', '--older-than', '0'], {
      CADRE_HOME: served.home,
      CADRE_TOKEN: '',
      CADRE_URL: '',
    })
    expect(gc.code).toBe(0)
    const archive = `refs/cadre/archive/${scratch}`
    expect(gc.stdout).toContain(`removed ${path} (`)
    expect(gc.stdout).toContain(`uncommitted changes at ${archive}`)
    expect(gc.stdout).toMatch(/Freed [\d.]+ MB from \d+ worktrees\./)
    expect(existsSync(path)).toBe(false)
    expect(git(repo, 'show', `${archive}:scratch.txt`)).toBe('draft')
    expect(git(repo, 'show', `${archive}:README.md`)).toBe('# scratch')
    expect((await events(scratch)).at(-1)).toMatchObject({
      type: 'workspace.removed',
      data: { archiveRef: archive },
    })
    const again = await runCli(['gc', '--older-than', '0'], {
      CADRE_HOME: served.home,
      CADRE_TOKEN: '',
      CADRE_URL: '',
    })
    expect(again.stdout).toBe('Nothing to clean up.\n')
  })
})
