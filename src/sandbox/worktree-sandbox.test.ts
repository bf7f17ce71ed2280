import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test/support/git-repo.ts'
import { ensureEmptyFile, findBubblewrap } from './bubblewrap.ts'
import { describeSandboxContract } from './sandbox.contract.ts'
import { openWorktreeSandbox } from './worktree-sandbox.ts'

const repository = createGitRepo()
let tasks = 0
const openWorktree = (isolated: boolean) => async (directory: string) => {
  const bubblewrap = isolated ? await findBubblewrap() : undefined
  if (isolated && !bubblewrap) {
    throw new Error('bubblewrap is not usable here: install the Debian package "bubblewrap" (.ci/run does)')
  }
  return openWorktreeSandbox({
    repository,
    path: directory,
    branch: `cadre/contract-${++tasks}`,
    base: 'main',
    isolation: bubblewrap && {
      bubblewrap,
      hidden: [],
      emptyFile: ensureEmptyFile(join(mkdtempSync(join(tmpdir(), 'cadre-empty-')), 'empty')),
      network: 'off',
    },
  })
}

describeSandboxContract('a git worktree', openWorktree(false))
describeSandboxContract('a git worktree under bubblewrap', openWorktree(true))

describe('a worktree left half made', () => {
  it('is made again when git was stopped before it finished (Cadre killed mid-checkout)', async () => {
    const repo = createGitRepo()
    execFileSync('git', ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'more'], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'a',
        GIT_AUTHOR_EMAIL: 'a@b',
        GIT_COMMITTER_NAME: 'a',
        GIT_COMMITTER_EMAIL: 'a@b',
      },
    })
    const path = join(mkdtempSync(join(tmpdir(), 'cadre-half-')), 'wt')
    execFileSync('git', ['-C', repo, 'worktree', 'add', '-q', '-b', 'cadre/half', path, 'main'])
    // What git leaves when killed in the middle: the worktree still locked as being made.
    const admin = execFileSync('git', ['-C', path, 'rev-parse', '--absolute-git-dir'], {
      encoding: 'utf8',
    }).trim()
    writeFileSync(join(admin, 'locked'), 'initializing')
    const sandbox = await openWorktreeSandbox({ repository: repo, path, branch: 'cadre/half', base: 'main' })
    expect(sandbox.created).toBe(true)
    expect(await sandbox.exec({ command: ['git', 'status', '--porcelain'] })).toMatchObject({
      exitCode: 0,
      stdout: '',
    })
    await sandbox.close()
  })
})

describe('a worktree that cannot be made', () => {
  it('says so plainly for an empty repository and for a base branch that does not exist', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'cadre-empty-')), 'repo')
    execFileSync('git', ['init', '-q', '-b', 'main', empty])
    const open = (repo: string, base: string) =>
      openWorktreeSandbox({ repository: repo, path: join(repo, '..', 'wt'), branch: 'cadre/x', base })
    await expect(open(empty, 'main')).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(
        /has no commits yet, so a task has nothing to start from: commit something first/,
      ),
    })
    await expect(open(repository, 'mian')).rejects.toMatchObject({
      message: expect.stringMatching(/the base branch "mian" does not exist/),
    })
  })
})
