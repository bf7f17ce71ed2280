import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { CadreError } from '../core/errors.ts'
import { branchExists as hasBranch } from '../git/branch-exists.ts'
import { openGit } from '../git/open-git.ts'
import type { Bubblewrap, IsolationLayout } from './bubblewrap.ts'
import { openDirectorySandbox } from './directory-sandbox.ts'
import type { Sandbox } from './sandbox.ts'

export interface WorktreeSpec {
  /** The project's repository (its main checkout). */
  repository: string
  /** Where the worktree lives. */
  path: string
  /** The task's branch; created from `base` when it does not exist. */
  branch: string
  /** A branch or commit the new branch starts from. */
  base: string
  /** The task's private state (an external agent's home, config and sessions): writable inside. */
  stateDir?: string
  /**
   * Runs the repository's worktree bookkeeping one at a time (git takes locks in the shared git
   * directory: two tasks starting at once would trip on each other). Default: as it comes.
   */
  serialize?: <T>(work: () => Promise<T>) => Promise<T>
  /** Run processes under bubblewrap: these places hidden, the network on or off. */
  isolation?: {
    bubblewrap: Bubblewrap
    hidden: readonly string[]
    /** Put over hidden files: a file no sandboxed process can write (see `ensureEmptyFile`). */
    emptyFile: string
    exposed?: readonly string[]
    network: 'on' | 'off'
  }
}

export interface WorktreeSandbox extends Sandbox {
  readonly branch: string
  /** Whether this call created the worktree (a resumed task finds it in place). */
  readonly created: boolean
  readonly isolation: 'bubblewrap' | 'none'
  /** The repository's shared git directory (objects, refs, hooks, config). */
  readonly gitCommonDir: string
}

const isEmptyDirectory = (path: string) => existsSync(path) && readdirSync(path).length === 0

/** The base must be a commit: an empty repository (or a misspelt base branch) is said so plainly. */
const requireCommit = async (git: ReturnType<typeof openGit>, spec: WorktreeSpec) => {
  const found = await git.raw(['rev-parse', '--verify', '--quiet', `${spec.base}^{commit}`]).catch(() => '')
  if (found.trim() !== '') return
  const anyCommit = await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '')
  throw new CadreError(
    'bad_request',
    anyCommit.trim() === ''
      ? `${spec.repository} has no commits yet, so a task has nothing to start from: commit something first (git commit --allow-empty -m "Start")`
      : `the base branch "${spec.base}" does not exist in ${spec.repository}; set the project's baseBranch (or the task's) to an existing branch`,
  )
}

/** The git directory a worktree's `.git` link names, as an absolute path. */
const adminDirOf = (path: string) => {
  const link = /^gitdir: (.+)$/m.exec(readFileSync(join(path, '.git'), 'utf8'))
  if (!link) throw new CadreError('internal', `${path}/.git is not a worktree link`)
  return resolve(path, link[1]!.trim())
}

/** The repository's shared git directory, read from the worktree's own files (no git process). */
export const commonDirOf = (path: string): string => {
  const admin = adminDirOf(path)
  return resolve(admin, readFileSync(join(admin, 'commondir'), 'utf8').trim())
}

/**
 * Whether `git worktree add` made this worktree and was stopped before it finished (Cadre killed
 * mid-checkout): git marks a worktree being made as locked "initializing" until it is complete.
 */
const unfinished = (path: string) => {
  const lock = join(adminDirOf(path), 'locked')
  return existsSync(lock) && readFileSync(lock, 'utf8').includes('initializing')
}

/**
 * Adds the worktree (and its branch when new), unless one is already there. The whole of it runs
 * in the repository's queue: a task's run making its worktree and the API opening it for a diff at
 * that moment see one finished worktree, never half of one.
 */
const ensureWorktree = (spec: WorktreeSpec): Promise<boolean> =>
  (spec.serialize ?? ((work) => work()))(() => addWorktree(spec))

const addWorktree = async (spec: WorktreeSpec): Promise<boolean> => {
  if (existsSync(join(spec.path, '.git'))) {
    if (!unfinished(spec.path)) return false
    // Half made: nothing was done in it yet, so it is made again from its branch.
    await openGit(spec.repository).raw(['worktree', 'remove', '--force', '--force', spec.path])
  }
  if (existsSync(spec.path) && !isEmptyDirectory(spec.path)) {
    throw new CadreError(
      'conflict',
      `${spec.path} exists and is not a worktree of ${spec.repository}; move it away or remove it`,
    )
  }
  const git = openGit(spec.repository, { timeoutMs: 120_000 })
  const branchExists = await hasBranch(spec.repository, spec.branch)
  mkdirSync(dirname(spec.path), { recursive: true })
  const add = () =>
    git.raw(
      branchExists
        ? ['worktree', 'add', spec.path, spec.branch]
        : ['worktree', 'add', '-b', spec.branch, spec.path, spec.base],
    )
  try {
    await add().catch(async (error: Error) => {
      // A worktree whose folder was deleted by hand still holds its branch: forget it, try again.
      if (/already (checked out|used by worktree|registered)/.test(error.message)) {
        await git.raw(['worktree', 'prune'])
        return add()
      }
      // Another process of this machine (another server's task) held a lock a moment: once more.
      if (!/cannot lock ref|Unable to create .*\.lock/.test(error.message)) throw error
      await new Promise((resolve) => setTimeout(resolve, 200))
      return add()
    })
  } catch (error) {
    if (!branchExists) await requireCommit(git, spec)
    throw new CadreError(
      'bad_request',
      `cannot create the task's worktree from ${branchExists ? spec.branch : spec.base}: ${(error as Error).message.trim()}`,
      { cause: error },
    )
  }
  return true
}

/**
 * A task's workspace as a git worktree of the project on its own branch, created on first use and
 * found again after a restart. Under bubblewrap its processes see the rest of the machine read-only,
 * Cadre's home hidden, and the repository's hooks, config and the worktree's `.git` link read-only,
 * while commits still work (objects and refs are writable).
 */
export const openWorktreeSandbox = async (spec: WorktreeSpec): Promise<WorktreeSandbox> => {
  const created = await ensureWorktree(spec)
  const workspace = await realpath(spec.path)
  const gitCommonDir = await realpath(commonDirOf(workspace))
  // A missing hooks directory would be created (writable) inside the sandbox: make it exist.
  mkdirSync(join(gitCommonDir, 'hooks'), { recursive: true })
  const { isolation } = spec
  const layout: IsolationLayout | undefined = isolation && {
    workspace,
    hidden: isolation.hidden,
    emptyFile: isolation.emptyFile,
    exposed: isolation.exposed,
    writable: [gitCommonDir, ...(spec.stateDir ? [spec.stateDir] : [])],
    readOnly: [join(gitCommonDir, 'hooks'), join(gitCommonDir, 'config'), join(workspace, '.git')],
    network: isolation.network,
  }
  const sandbox = await openDirectorySandbox(workspace, {
    isolate: layout && isolation && ((command, cwd) => isolation.bubblewrap.wrap(layout, command, cwd)),
  })
  return { ...sandbox, branch: spec.branch, created, isolation: layout ? 'bubblewrap' : 'none', gitCommonDir }
}
