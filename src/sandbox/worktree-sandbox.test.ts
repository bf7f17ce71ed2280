import { createGitRepo } from '../../test/support/git-repo.ts'
import { findBubblewrap } from './bubblewrap.ts'
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
    isolation: bubblewrap && { bubblewrap, hidden: [], network: 'off' },
  })
}

describeSandboxContract('a git worktree', openWorktree(false))
describeSandboxContract('a git worktree under bubblewrap', openWorktree(true))
