import { z } from 'zod'
import { CadreError } from '../core/errors.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { cadreIdentity, runGit } from '../git/workspace-git.ts'
import type { ModelClient } from '../models/model-client.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'
import { generateCommitMessage } from './commit-message.ts'
import { openTaskWorkspace, type WorkspaceDeps } from './open-task-workspace.ts'

export const CommitInput = z.object({
  message: z
    .string()
    .trim()
    .min(1)
    .max(20_000)
    .optional()
    .describe("the commit message; without one, the task's model writes it from the task and the diff"),
})
export type CommitInput = z.infer<typeof CommitInput>

export interface CommitResult {
  commit: string
  message: string
  files: number
}

/** The user's own git identity when they have one; Cadre's otherwise, so a commit never fails on it. */
const identityFor = async (sandbox: Sandbox) => {
  const email = await runGit(sandbox, ['config', 'user.email'], { allowExit: [1] })
  return email === '' ? cadreIdentity : {}
}

/** Commits everything in the workspace (untracked files too) on the task's branch. */
export const commitWorkspace = async (
  sandbox: Sandbox,
  message: (stat: string) => Promise<string>,
): Promise<CommitResult | undefined> => {
  await runGit(sandbox, ['add', '-A'])
  const stat = await runGit(sandbox, ['diff', '--cached', '--stat'])
  if (stat === '') return undefined
  const text = await message(stat)
  await runGit(sandbox, ['commit', '-q', '--no-verify', '-F', '-'], {
    stdin: `${text}\n`,
    env: await identityFor(sandbox),
  })
  const commit = await runGit(sandbox, ['rev-parse', 'HEAD'])
  return { commit, message: text, files: stat.split('\n').length - 1 }
}

/** `POST /api/tasks/:id/commit`: the task's changes committed on its branch, with a message given or written. */
export const commitTask = async (
  deps: WorkspaceDeps & EventDeps & { models: ModelClient },
  taskId: string,
  input: CommitInput,
): Promise<CommitResult> => {
  await using opened = await openTaskWorkspace(deps, taskId, { change: 'commit' })
  const { task, workspace } = opened
  const defaultModel = (await deps.store.settings.get()).defaultModel
  const result = await commitWorkspace(
    workspace,
    async (stat) =>
      input.message ??
      generateCommitMessage(
        deps.models,
        task,
        task.model ?? opened.project.settings.defaultModel ?? defaultModel,
        `${stat}\n\n${await runGit(workspace, ['diff', '--cached', '--no-color'])}`,
      ),
  )
  if (!result) throw new CadreError('conflict', `task ${taskId} has nothing to commit`)
  await commitEvents(deps, (_session, emit) =>
    emit(taskId, [
      {
        type: 'task.committed',
        data: { commit: result.commit, message: result.message, files: result.files },
      },
    ]),
  )
  return result
}
