import type { Command } from 'commander'
import type { Task } from '../../core/entities.ts'
import { CadreError } from '../../core/errors.ts'
import type { WorkspaceDiff } from '../../git/workspace-diff.ts'
import type { GcReport } from '../../workspaces/collect-garbage.ts'
import type { CommitResult } from '../../workspaces/commit-task.ts'
import type { MergeResult } from '../../workspaces/merge-task.ts'
import { type Client, type Connection, createClient, readJson, resolveConnection } from '../client.ts'
import type { GlobalOptions } from '../global-options.ts'
import { clock, printJson, printTable } from '../output.ts'

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

const checkpointNumber = (value: string) => {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) {
    throw new CadreError('bad_request', `a checkpoint is a number 0, 1, 2 …, not "${value}"`)
  }
  return number
}

const printDiff = (diff: WorkspaceDiff, statOnly: boolean) => {
  if (diff.suspicious) console.log(`! suspicious: ${diff.suspicious}\n`)
  if (diff.files.length === 0) return console.log('No changes.')
  for (const file of diff.files) {
    const counts = file.binary ? 'binary' : `+${file.additions} -${file.deletions}`
    const renamed = file.oldPath ? `${file.oldPath} → ` : ''
    if (statOnly || !file.patch) console.log(`${file.status.padEnd(9)} ${renamed}${file.path}  ${counts}`)
    else process.stdout.write(file.patch.endsWith('\n') ? file.patch : `${file.patch}\n`)
  }
  const { files, additions, deletions } = diff.stats
  console.log(`\n${files} files changed, ${additions} insertions(+), ${deletions} deletions(-)`)
  if (diff.truncated && !statOnly)
    console.log('Some patches were too large to show: ask for a file with --path.')
}

/** `cadre task diff|checkpoints|rollback|fork|commit|merge|discard` and `cadre gc`: reviewing a task's work. */
export const registerReviewCommands = (program: Command, globals: () => GlobalOptions): void => {
  const task = program.commands.find((command) => command.name() === 'task')
  if (!task) throw new Error('the task command must be registered first')
  const connect = (): { connection: Connection; client: Client } => {
    const connection = resolveConnection(globals())
    return { connection, client: createClient(connection) }
  }

  task
    .command('diff <id>')
    .description("show the task's changes against its base (untracked files too)")
    .option('--path <path>', 'one file only')
    .option('--checkpoint <n>', 'what that checkpoint changed since the one before')
    .option('--stat', 'files and line counts only')
    .option('--json', 'print as JSON')
    .action(async (id: string, options) => {
      const { connection, client } = connect()
      const diff = await readJson<WorkspaceDiff>(
        client.api.tasks[':id'].diff.$get({
          param: { id },
          query: { path: options.path, checkpoint: options.checkpoint },
        }),
        connection.url,
      )
      if (options.json) printJson(diff)
      else printDiff(diff, options.stat === true)
    })

  task
    .command('checkpoints <id>')
    .description("list the task's checkpoints (0 is the workspace as it was made)")
    .option('--json', 'print as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { connection, client } = connect()
      const { checkpoints } = await readJson<{
        checkpoints: { checkpoint: number; seq: number; at: string; step: number; commit: string }[]
      }>(client.api.tasks[':id'].checkpoints.$get({ param: { id } }), connection.url)
      if (options.json) return printJson(checkpoints)
      printTable(
        ['CHECKPOINT', 'TIME', 'STEP', 'SEQ', 'COMMIT'],
        checkpoints.map((c) => [
          String(c.checkpoint),
          clock(c.at),
          String(c.step),
          String(c.seq),
          c.commit.slice(0, 10),
        ]),
        'No checkpoints yet.',
      )
    })

  task
    .command('rollback <id> <checkpoint>')
    .description('put the workspace and the conversation back to a checkpoint')
    .action(async (id: string, checkpoint: string) => {
      const { connection, client } = connect()
      const result = await readJson<{ checkpoint: number; commit: string }>(
        client.api.tasks[':id'].rollback.$post({
          param: { id },
          json: { checkpoint: checkpointNumber(checkpoint) },
        }),
        connection.url,
      )
      console.log(`Task ${id} is back at checkpoint ${result.checkpoint} (${result.commit.slice(0, 10)})`)
    })

  task
    .command('fork <id> <checkpoint> [prompt]')
    .description('a new task from a checkpoint, in its own worktree (queued when given a prompt)')
    .action(async (id: string, checkpoint: string, prompt: string | undefined) => {
      const { connection, client } = connect()
      const fork = await readJson<Task>(
        client.api.tasks[':id'].fork.$post({
          param: { id },
          json: { checkpoint: checkpointNumber(checkpoint), ...(prompt && { prompt }) },
        }),
        connection.url,
      )
      console.log(`Forked ${id} at checkpoint ${checkpoint} as ${fork.id} (${fork.status}) on ${fork.branch}`)
    })

  task
    .command('commit <id>')
    .description("commit the task's changes on its branch")
    .option('-m, --message <message>', "the message (default: written by the task's model)")
    .action(async (id: string, options: { message?: string }) => {
      const { connection, client } = connect()
      const result = await readJson<CommitResult>(
        client.api.tasks[':id'].commit.$post({ param: { id }, json: { message: options.message } }),
        connection.url,
      )
      console.log(
        `Committed ${result.commit.slice(0, 10)} (${result.files} files): ${result.message.split('\n')[0]}`,
      )
    })

  task
    .command('merge <id>')
    .description("merge the task's work into its base branch (committing it first)")
    .option('--strategy <strategy>', 'merge, squash or rebase', 'merge')
    .action(async (id: string, options: { strategy: string }) => {
      const { connection, client } = connect()
      const strategy = options.strategy
      if (strategy !== 'merge' && strategy !== 'squash' && strategy !== 'rebase') {
        throw new CadreError('bad_request', `--strategy is merge, squash or rebase, not "${strategy}"`)
      }
      const result = await readJson<MergeResult>(
        client.api.tasks[':id'].merge.$post({ param: { id }, json: { strategy } }),
        connection.url,
      )
      console.log(
        `Merged ${id} into ${result.baseBranch} (${result.strategy}): now ${result.commit.slice(0, 10)}`,
      )
    })

  task
    .command('discard <id>')
    .description("throw the task's changes away (kept under refs/cadre/archive/<id>)")
    .action(async (id: string) => {
      const { connection, client } = connect()
      await readJson<Task>(client.api.tasks[':id'].discard.$post({ param: { id } }), connection.url)
      console.log(`Discarded the changes of ${id}; they are kept at refs/cadre/archive/${id}`)
    })

  program
    .command('gc')
    .description("remove finished tasks' worktrees, keeping their work (branches and archive refs)")
    .option('--older-than <days>', 'tasks finished more than this many days ago (default: the setting, 7)')
    .option('--json', 'print as JSON')
    .action(async (options: { olderThan?: string; json?: boolean }) => {
      const { connection, client } = connect()
      const days = options.olderThan === undefined ? undefined : Number(options.olderThan)
      if (days !== undefined && !(days >= 0)) {
        throw new CadreError('bad_request', `--older-than is a number of days, not "${options.olderThan}"`)
      }
      const report = await readJson<GcReport>(
        client.api.gc.$post({ json: days === undefined ? {} : { olderThanDays: days } }),
        connection.url,
      )
      if (options.json) return printJson(report)
      if (report.removed.length === 0) return console.log('Nothing to clean up.')
      for (const entry of report.removed) {
        const kept = entry.archiveRef
          ? `uncommitted changes at ${entry.archiveRef}`
          : `work on ${entry.branch}`
        console.log(`removed ${entry.path} (${megabytes(entry.freedBytes)}); ${kept}`)
      }
      console.log(`Freed ${megabytes(report.freedBytes)} from ${report.removed.length} worktrees.`)
    })
}
