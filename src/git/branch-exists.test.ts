import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test/support/git-repo.ts'
import { branchExists } from './branch-exists.ts'

describe('branchExists', () => {
  it('finds loose and packed branches, from the checkout and from one of its worktrees', async () => {
    const repo = createGitRepo()
    execFileSync('git', ['-C', repo, 'branch', 'cadre/loose'])
    execFileSync('git', ['-C', repo, 'branch', 'cadre/packed'])
    execFileSync('git', ['-C', repo, 'pack-refs', '--all'])
    execFileSync('git', ['-C', repo, 'branch', 'cadre/later'])
    const worktree = join(mkdtempSync(join(tmpdir(), 'cadre-branch-')), 'wt')
    execFileSync('git', ['-C', repo, 'worktree', 'add', '-q', worktree, 'cadre/later'])
    for (const checkout of [repo, worktree]) {
      expect(await branchExists(checkout, 'cadre/packed')).toBe(true)
      expect(await branchExists(checkout, 'cadre/later')).toBe(true)
      expect(await branchExists(checkout, 'main')).toBe(true)
      expect(await branchExists(checkout, 'cadre/none')).toBe(false)
      expect(await branchExists(checkout, 'cadre')).toBe(false)
    }
  })
})
