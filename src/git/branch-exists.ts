import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openGit } from './open-git.ts'

/** The shared git directory of a checkout: `.git` itself, or what a worktree's `.git` link leads to. */
const commonDirOf = (checkout: string): string => {
  const dotGit = join(checkout, '.git')
  if (statSync(dotGit).isDirectory()) return dotGit
  const link = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))
  const admin = resolve(checkout, link?.[1]?.trim() ?? '.git')
  const commondir = join(admin, 'commondir')
  return existsSync(commondir) ? resolve(admin, readFileSync(commondir, 'utf8').trim()) : admin
}

/**
 * Whether the repository has the branch, read from its ref files (a git process costs tens of
 * milliseconds, this costs nothing); through git for repositories that store refs otherwise.
 */
export const branchExists = async (checkout: string, branch: string): Promise<boolean> => {
  const common = commonDirOf(checkout)
  if (existsSync(join(common, 'reftable'))) {
    return (await openGit(checkout).raw(['branch', '--list', branch])).trim() !== ''
  }
  const loose = join(common, 'refs', 'heads', branch)
  if (existsSync(loose) && statSync(loose).isFile()) return true
  const packed = join(common, 'packed-refs')
  return existsSync(packed) && readFileSync(packed, 'utf8').includes(` refs/heads/${branch}\n`)
}
