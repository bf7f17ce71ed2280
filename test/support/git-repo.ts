import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A new git repository with one commit on `main`, in a temporary folder. */
export const createGitRepo = (name = 'repo'): string => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cadre-git-')), name)
  execFileSync('git', ['init', '-q', '-b', 'main', dir])
  execFileSync('git', [
    '-C',
    dir,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.com',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'init',
  ])
  return dir
}
