import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createGitRepo } from '../../test/support/git-repo.ts'
import { openGit } from './open-git.ts'

it("never runs a repository's fsmonitor or hooks", async () => {
  const repo = createGitRepo()
  const marker = join(repo, '..', 'ran')
  execFileSync('git', ['-C', repo, 'config', 'core.fsmonitor', `touch ${marker}`])
  const hook = join(repo, '.git', 'hooks', 'pre-commit')
  writeFileSync(hook, `#!/bin/sh\ntouch ${marker}\n`)
  chmodSync(hook, 0o755)

  const git = openGit(repo)
  expect((await git.status()).current).toBe('main')
  await git.raw([
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.com',
    'commit',
    '--allow-empty',
    '-qm',
    'x',
  ])
  expect(existsSync(marker)).toBe(false)

  // Plain git does run it: the danger the settings above remove is real.
  execFileSync('git', ['-C', repo, 'status'], { stdio: 'ignore' })
  expect(existsSync(marker)).toBe(true)
})
