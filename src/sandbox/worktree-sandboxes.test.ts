import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test/support/git-repo.ts'
import { bashTool } from '../agent/tools/bash.ts'
import { findBubblewrap } from './bubblewrap.ts'
import type { Workspace, WorkspaceSpec } from './sandbox.ts'
import { createWorktreeSandboxes } from './worktree-sandboxes.ts'

const home = mkdtempSync(join(tmpdir(), 'cadre-home-'))
writeFileSync(join(home, 'token'), 'the-access-token\n')
const repository = createGitRepo()
writeFileSync(join(repository, 'README.md'), '# repo\n')

/** What an agent's shell command prints, run as the bash tool runs it. */
const shell = async (workspace: Workspace, command: string) =>
  (await bashTool.execute({ command }, { sandbox: workspace, signal: new AbortController().signal })).output

describe('worktree workspaces under bubblewrap: what an agent cannot reach', () => {
  let cadrePort: Server
  let port: number
  let mine: Workspace
  let theirs: Workspace
  const spec = (taskId: string, network: 'on' | 'off'): WorkspaceSpec => ({
    taskId,
    projectId: 'prj_1',
    projectPath: repository,
    branch: `cadre/${taskId}`,
    baseBranch: 'main',
    network,
  })
  let backend: ReturnType<typeof createWorktreeSandboxes>

  beforeAll(async () => {
    const bubblewrap = await findBubblewrap()
    if (!bubblewrap) throw new Error('bubblewrap is not usable here: install the Debian package "bubblewrap"')
    backend = createWorktreeSandboxes({ home, root: join(home, 'worktrees'), bubblewrap })
    mine = await backend.create(spec('tsk_mine', 'off'))
    theirs = await backend.create(spec('tsk_theirs', 'off'))
    await theirs.writeFile('their-work.txt', 'private\n')
    // Cadre's own port, as a server on this machine listens.
    cadrePort = createServer((_request, response) => response.end('cadre'))
    await new Promise<void>((resolve) => cadrePort.listen(0, '127.0.0.1', resolve))
    port = (cadrePort.address() as AddressInfo).port
  })
  afterAll(async () => {
    await mine.close()
    await theirs.close()
    cadrePort.close()
  })

  it("sees neither Cadre's home nor another task's worktree", async () => {
    expect(mine.info).toMatchObject({
      kind: 'worktree',
      isolation: 'bubblewrap',
      created: true,
      branch: 'cadre/tsk_mine',
    })
    expect(await shell(mine, `cat ${join(home, 'token')}`)).toMatch(
      /^exit code 1\n.*No such file or directory/s,
    )
    expect(await shell(mine, `ls ${theirs.root}`)).toMatch(/^exit code 2\n.*No such file or directory/s)
    expect(await shell(mine, 'ls ..')).toBe('exit code 0\ntsk_mine')
  })

  it('writes its own workspace and nothing else: not the checkout, not the system, not git hooks or config', async () => {
    expect(await shell(mine, 'echo mine > mine.txt && cat mine.txt')).toBe('exit code 0\nmine')
    const gitDir = join(repository, '.git')
    // The checkout is read-only (here under /tmp, so the write lands in the private /tmp instead).
    await shell(mine, `echo x >> ${join(repository, 'README.md')}`)
    const attempts = [
      'echo x > /etc/cadre-escape',
      `echo x > ${join(gitDir, 'hooks', 'pre-commit')}`,
      `echo '[core]' >> ${join(gitDir, 'config')}`,
      'git config core.hooksPath /tmp/hooks',
      'echo "gitdir: /tmp" > .git',
    ]
    for (const attempt of attempts) {
      expect(await shell(mine, attempt), attempt).toMatch(/^exit code [1-9]/)
    }
    expect(readFileSync(join(repository, 'README.md'), 'utf8')).toBe('# repo\n')
    expect(readFileSync(join(gitDir, 'config'), 'utf8')).not.toMatch(/hooksPath/)
    expect(readFileSync(join(mine.root, '.git'), 'utf8')).toMatch(/^gitdir: /)
    // Git itself still works: objects and refs are writable.
    expect(
      await shell(
        mine,
        'git add mine.txt && git -c user.name=a -c user.email=a@b commit -qm mine && git log --format=%s -1',
      ),
    ).toBe('exit code 0\nmine')
  })

  it("cannot connect to Cadre's port with the network off, and can with it on", async () => {
    const connect = `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`
    expect(await shell(mine, connect)).toMatch(/^exit code 1\n.*(refused|unreachable)/is)
    const online = await backend.create(spec('tsk_online', 'on'))
    try {
      expect(await shell(online, connect)).toBe('exit code 0\nconnected')
    } finally {
      await online.close()
    }
  })

  it('finds the same workspace again, and removes it keeping its branch', async () => {
    const again = await backend.create(spec('tsk_mine', 'off'))
    expect(again.info.created).toBe(false)
    expect((await again.readFile('mine.txt')).toString()).toBe('mine\n')
    await again.close()
    mkdirSync(join(home, 'scratch'), { recursive: true })
    await backend.destroy(spec('tsk_theirs', 'off'))
    expect(await shell(mine, `git branch --list cadre/tsk_theirs`)).toBe('exit code 0\n  cadre/tsk_theirs')
  })
})

describe('worktree workspaces: tasks starting together', () => {
  it('makes the worktrees of many tasks of one repository started at the same moment', async () => {
    const repo = createGitRepo('busy')
    const backend = createWorktreeSandboxes({ home, root: join(home, 'busy-worktrees') })
    const specs = Array.from({ length: 8 }, (_, i) => ({
      taskId: `tsk_together${i}`,
      projectId: 'prj_busy',
      projectPath: repo,
      branch: `cadre/together-${i}`,
      baseBranch: 'main',
      network: 'off' as const,
    }))
    const workspaces = await Promise.all(specs.map((spec) => backend.create(spec)))
    expect(workspaces.map((workspace) => workspace.info.created)).toEqual(specs.map(() => true))
    for (const workspace of workspaces) await workspace.close()
  })

  // A task's run making its worktree while the API opens it for a diff (a compare view polling).
  it('opens a worktree asked for twice at once as one: made by the first, found by the second', async () => {
    const repo = createGitRepo('twice')
    const backend = createWorktreeSandboxes({ home, root: join(home, 'twice-worktrees') })
    const spec = {
      taskId: 'tsk_twice',
      projectId: 'prj_twice',
      projectPath: repo,
      branch: 'cadre/twice',
      baseBranch: 'main',
      network: 'off' as const,
    }
    const [one, two] = await Promise.all([backend.create(spec), backend.create(spec)])
    expect([one.info.created, two.info.created]).toEqual([true, false])
    expect(one.root).toBe(two.root)
    await one.close()
    await two.close()
  })
})
