import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test/support/git-repo.ts'
import { openWorktreeSandbox } from '../sandbox/worktree-sandbox.ts'
import { clearStaleLocks, restoreSnapshot, runGit, snapshotWorkspace } from './workspace-git.ts'

const openWorkspace = async () => {
  const repository = createGitRepo()
  const path = join(mkdtempSync(join(tmpdir(), 'cadre-wsgit-')), 'wt')
  return openWorktreeSandbox({ repository, path, branch: 'cadre/t', base: 'main' })
}

describe("Cadre's git in a workspace", () => {
  it('snapshots everything (untracked too) without touching the index, and restores it exactly', async () => {
    await using workspace = await openWorkspace()
    await workspace.writeFile('kept.txt', 'one\n')
    await workspace.writeFile('.gitignore', 'ignored/\n')
    await workspace.writeFile('ignored/cache', 'x')
    const first = await snapshotWorkspace(workspace, 'refs/cadre/t/1', 'first')
    expect(first).toBeDefined()
    expect(await runGit(workspace, ['status', '--porcelain'])).toBe('?? .gitignore\n?? kept.txt')
    expect(await runGit(workspace, ['show', 'refs/cadre/t/1:kept.txt'])).toBe('one')
    expect(await runGit(workspace, ['ls-tree', '--name-only', 'refs/cadre/t/1'])).toBe('.gitignore\nkept.txt')
    expect(
      await snapshotWorkspace(workspace, 'refs/cadre/t/2', 'same', { unlessTree: first!.tree }),
    ).toBeUndefined()

    await workspace.writeFile('kept.txt', 'two\n')
    await workspace.writeFile('later.txt', 'later\n')
    await restoreSnapshot(workspace, first!)
    expect((await workspace.readFile('kept.txt')).toString()).toBe('one\n')
    await expect(workspace.readFile('later.txt')).rejects.toMatchObject({ code: 'not_found' })
    expect((await workspace.readFile('ignored/cache')).toString()).toBe('x') // ignored files stay
  })

  it('clears the locks a killed git left, so the next command works', async () => {
    await using workspace = await openWorkspace()
    const admin = await runGit(workspace, ['rev-parse', '--absolute-git-dir'])
    const common = await runGit(workspace, ['rev-parse', '--path-format=absolute', '--git-common-dir'])
    await snapshotWorkspace(workspace, 'refs/cadre/t/1', 'first')
    writeFileSync(join(admin, 'index.lock'), '')
    writeFileSync(join(common, 'refs/cadre/t/1.lock'), '')
    await workspace.writeFile('x.txt', 'x')
    await expect(snapshotWorkspace(workspace, 'refs/cadre/t/1', 'again')).rejects.toMatchObject({
      code: 'internal',
    })
    await expect(runGit(workspace, ['add', 'x.txt'])).rejects.toMatchObject({
      message: expect.stringMatching(/index\.lock/),
    })
    await clearStaleLocks(workspace, ['refs/cadre/t'])
    expect(await snapshotWorkspace(workspace, 'refs/cadre/t/1', 'again')).toBeDefined()
    await runGit(workspace, ['add', 'x.txt'])
    expect(execFileSync('git', ['-C', workspace.root, 'status', '--porcelain'], { encoding: 'utf8' })).toBe(
      'A  x.txt\n',
    )
  })
})
