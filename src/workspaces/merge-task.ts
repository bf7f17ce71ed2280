import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SimpleGit } from 'simple-git'
import { z } from 'zod'
import type { Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { openGit } from '../git/open-git.ts'
import { cadreIdentity, runGit } from '../git/workspace-git.ts'
import type { ModelClient } from '../models/model-client.ts'
import { applyTaskAction } from '../tasks/transition-task.ts'
import { generateCommitMessage } from './commit-message.ts'
import { commitWorkspace } from './commit-task.ts'
import { openTaskWorkspace, type WorkspaceDeps } from './open-task-workspace.ts'

export const MergeInput = z.object({
  strategy: z
    .enum(['merge', 'squash', 'rebase'])
    .default('merge')
    .describe(
      'merge: a merge commit; squash: one commit of all the changes; rebase: the commits replayed on the base',
    ),
})
export type MergeInput = z.input<typeof MergeInput>

export interface MergeResult {
  merged: true
  strategy: string
  baseBranch: string
  commit: string
}

type Deps = WorkspaceDeps & EventDeps & { models: ModelClient }

/** Variables naming programs git would run (an editor, a pager); merges here never need one. */
const programVariables = ['EDITOR', 'VISUAL', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'PAGER', 'GIT_PAGER']

/** The environment of Cadre's merges: the main checkout's identity when it has one, Cadre's otherwise. */
const identityEnv = async (git: SimpleGit) => {
  const email = await git.raw(['config', 'user.email']).catch(() => '')
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !programVariables.includes(name)),
  )
  return { ...env, ...(email.trim() === '' ? cadreIdentity : {}) }
}

const conflictedFiles = async (git: SimpleGit) =>
  (await git.raw(['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean)

const mergePlacePrefix = 'cadre-merge-'

/**
 * Temporary worktrees of the branch left by a merge that never ended (Cadre was killed in the
 * middle): while they are registered, git refuses to check the branch out again. Merges into one
 * branch are serialized in this process (`oneMergeAtATime`), so one found now is nobody's.
 */
const removeStaleMergePlaces = async (main: SimpleGit, branch: string) => {
  const listing = await main.raw(['worktree', 'list', '--porcelain'])
  for (const entry of listing.split('\n\n')) {
    const path = entry.match(/^worktree (.+)$/m)?.[1]
    if (!path?.includes(`/${mergePlacePrefix}`) || !entry.includes(`\nbranch refs/heads/${branch}`)) continue
    await main.raw(['worktree', 'remove', '--force', path]).catch(() => main.raw(['worktree', 'prune']))
    rmSync(join(path, '..'), { recursive: true, force: true })
  }
}

/** Merges into the same branch of the same repository, one after the other. */
const merging = new Map<string, Promise<unknown>>()
const oneMergeAtATime = <T>(key: string, work: () => Promise<T>): Promise<T> => {
  const previous = merging.get(key) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(work)
  const settled = next.catch(() => {})
  merging.set(key, settled)
  void settled.then(() => {
    if (merging.get(key) === settled) merging.delete(key)
  })
  return next
}

/**
 * Where the base branch can be changed without touching the user's work: the main checkout when it
 * has the base branch checked out (and is clean), else a temporary worktree of the base branch.
 */
const mergePlace = async (repository: string, baseBranch: string) => {
  const main = openGit(repository, { timeoutMs: 300_000 })
  const current = (await main.raw(['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')).trim()
  if (current === baseBranch) {
    const dirty = (await main.raw(['status', '--porcelain', '--untracked-files=no'])).trim()
    if (dirty !== '') {
      throw new CadreError(
        'conflict',
        `the checkout at ${repository} has ${baseBranch} checked out with uncommitted changes; commit or stash them, then merge again`,
      )
    }
    return { git: main, done: async () => {} }
  }
  await removeStaleMergePlaces(main, baseBranch)
  const path = join(mkdtempSync(join(tmpdir(), mergePlacePrefix)), 'base')
  try {
    await main.raw(['worktree', 'add', '-q', path, baseBranch])
  } catch (error) {
    throw new CadreError(
      'conflict',
      `cannot check out ${baseBranch} to merge into: ${(error as Error).message.trim()}`,
    )
  }
  return {
    git: openGit(path, { timeoutMs: 300_000 }),
    done: async () => {
      await main.raw(['worktree', 'remove', '--force', path]).catch(() => {})
      rmSync(join(path, '..'), { recursive: true, force: true })
    },
  }
}

/** Runs one strategy in the merge place; the files in conflict (and everything undone) when it cannot. */
const integrate = async (
  git: SimpleGit,
  task: Task,
  strategy: z.output<typeof MergeInput>['strategy'],
  rebaseInWorkspace: () => Promise<string[]>,
): Promise<string[]> => {
  const env = await identityEnv(git)
  const run = (args: string[]) => git.env(env).raw(args)
  if (strategy === 'rebase') {
    const conflicts = await rebaseInWorkspace()
    if (conflicts.length > 0) return conflicts
    await run(['merge', '--ff-only', task.branch])
    return []
  }
  const undo = () => run(strategy === 'merge' ? ['merge', '--abort'] : ['reset', '--merge']).catch(() => {})
  try {
    if (strategy === 'merge') {
      await run(['merge', '--no-ff', '--no-edit', '-m', `Merge ${task.branch}: ${task.title}`, task.branch])
    } else {
      await run(['merge', '--squash', task.branch])
    }
    // git tells a conflicted merge on stdout, which simple-git does not take for a failure.
    const conflicts = await conflictedFiles(git)
    if (conflicts.length > 0) {
      await undo()
      return conflicts
    }
    if (strategy === 'squash') await run(['commit', '-q', '--no-verify', '-m', task.title])
    return []
  } catch (error) {
    const conflicts = await conflictedFiles(git)
    await undo()
    if (conflicts.length > 0) return conflicts
    throw new CadreError('internal', `git merge failed: ${(error as Error).message.trim()}`)
  }
}

/**
 * `POST /api/tasks/:id/merge`: the task's work (committed first, if it is not) merged into its base
 * branch, without touching the user's checkout when it is on another branch. A conflict undoes
 * everything, moves the task to needs_input with the files (for an agent follow-up to resolve) and
 * answers `merge_conflict`.
 */
export const mergeTask = async (deps: Deps, taskId: string, raw: MergeInput): Promise<MergeResult> => {
  const { strategy } = MergeInput.parse(raw)
  await using opened = await openTaskWorkspace(deps, taskId, { change: 'merge' })
  const { task, project, workspace, spec } = opened
  const { baseBranch } = spec
  const defaultModel =
    task.model ?? project.settings.defaultModel ?? (await deps.store.settings.get()).defaultModel
  await commitWorkspace(workspace, async (stat) =>
    generateCommitMessage(deps.models, task, defaultModel, stat),
  )
  // The branch is merged from the project's repository: a workspace with its own clone sends it there.
  await workspace.publish?.()
  const conflicts = await oneMergeAtATime(`${project.path}\0${baseBranch}`, async () => {
    const place = await mergePlace(project.path, baseBranch)
    try {
      return await integrate(place.git, task, strategy, async () => {
        const rebased = await runGit(workspace, ['rebase', baseBranch], {
          allowExit: [1],
          env: cadreIdentity,
        })
        const files = (await runGit(workspace, ['diff', '--name-only', '--diff-filter=U']))
          .split('\n')
          .filter(Boolean)
        if (files.length > 0 || /CONFLICT/.test(rebased))
          await runGit(workspace, ['rebase', '--abort'], { allowExit: [128] })
        else await workspace.publish?.()
        return files
      })
    } finally {
      await place.done()
    }
  })
  if (conflicts.length > 0) {
    await commitEvents(deps, async (session, emit) => {
      await emit(taskId, [{ type: 'merge.conflicted', data: { strategy, baseBranch, files: conflicts } }])
      await applyTaskAction(
        session,
        emit,
        taskId,
        'conflict',
        `merging into ${baseBranch} conflicts in ${conflicts.join(', ')}`,
      )
    })
    throw new CadreError(
      'merge_conflict',
      `merging into ${baseBranch} conflicts in ${conflicts.join(', ')}; nothing was changed and the task needs input: send a follow-up for the agent to merge ${baseBranch} into its branch and resolve them`,
      { details: { baseBranch, files: conflicts } },
    )
  }
  const commit = (await openGit(project.path).raw(['rev-parse', baseBranch])).trim()
  await commitEvents(deps, async (session, emit) => {
    await emit(taskId, [{ type: 'task.merged', data: { strategy, baseBranch, commit } }])
    const current = await session.tasks.get(taskId)
    if (current?.status === 'review')
      await applyTaskAction(session, emit, taskId, 'accept', `merged into ${baseBranch}`)
  })
  return { merged: true, strategy, baseBranch, commit }
}
