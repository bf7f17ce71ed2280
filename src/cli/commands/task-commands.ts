import type { Command } from 'commander'
import type { Run, Task, Thread } from '../../core/entities.ts'
import { CadreError } from '../../core/errors.ts'
import type { TaskComparison } from '../../tasks/task-comparison.ts'
import { createClient, readJson, resolveConnection } from '../client.ts'
import { findProject } from '../find-project.ts'
import type { GlobalOptions } from '../global-options.ts'
import { clock, printJson, printTable } from '../output.ts'
import { parseAgents } from '../parse-agents.ts'
import { printComparison } from '../print-comparison.ts'
import { followTaskLogs, printTaskLogs } from './task-logs.ts'

type TaskDetail = Task & { threads: Thread[]; runs: Run[] }

export const registerTaskCommands = (program: Command, globals: () => GlobalOptions): void => {
  const task = program.command('task').description('create, list and follow tasks')
  const connect = () => {
    const connection = resolveConnection(globals())
    return { connection, client: createClient(connection) }
  }

  task
    .command('create <prompt>')
    .description('create a task on a project (queued to run unless --backlog)')
    .requiredOption('-p, --project <id|path>', 'the project, by id or repository path')
    .option('--title <title>', 'title (default: first line of the prompt)')
    .option('--agent <agent>', "agent to run it (default: the project's)")
    .option(
      '--agents <agents>',
      'compare several agents on it: builtin,codex=openai:gpt-5.5,… (a task each, with its model after =)',
    )
    .option('--model <model>', "model (default: the project's)")
    .option('--mode <mode>', 'plan, default or auto')
    .option('--backlog', 'put it in the backlog instead of queueing it')
    .option('--json', 'print the task as JSON')
    .action(async (prompt: string, options) => {
      const { connection, client } = connect()
      const project = await findProject(client, connection, options.project)
      const created = await readJson<Task & { children?: Task[] }>(
        client.api.tasks.$post({
          json: {
            projectId: project.id,
            prompt,
            title: options.title,
            agent: options.agent,
            ...(options.agents && parseAgents(options.agents)),
            model: options.model,
            mode: options.mode,
            start: !options.backlog,
          },
        }),
        connection.url,
      )
      if (options.json) return printJson(created)
      console.log(`Created task ${created.id} (${created.status}): ${created.title}`)
      for (const child of created.children ?? []) console.log(`  ${child.agent.padEnd(12)} ${child.id}`)
      if (created.children) console.log(`Compare them with: cadre task compare ${created.id}`)
    })

  task
    .command('compare <id>')
    .description("a comparison's agents side by side: status, time, tokens, cost, changes, check")
    .option('--json', 'print as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { connection, client } = connect()
      const comparison = await readJson<TaskComparison>(
        client.api.tasks[':id'].compare.$get({ param: { id } }),
        connection.url,
      )
      if (options.json) printJson(comparison)
      else printComparison(comparison)
    })

  task
    .command('list')
    .description('list tasks, newest first')
    .option('-p, --project <id|path>', 'only this project')
    .option('--status <statuses>', 'only these statuses, comma-separated')
    .option('--limit <n>', 'at most this many', '200')
    .option('--json', 'print as JSON')
    .action(async (options) => {
      const { connection, client } = connect()
      const projectId = options.project
        ? (await findProject(client, connection, options.project)).id
        : undefined
      const { tasks } = await readJson<{ tasks: Task[] }>(
        client.api.tasks.$get({ query: { projectId, status: options.status, limit: options.limit } }),
        connection.url,
      )
      if (options.json) return printJson(tasks)
      printTable(
        ['ID', 'STATUS', 'AGENT', 'CREATED', 'TITLE'],
        tasks.map((t) => [t.id, t.status, t.agent, clock(t.createdAt), t.title]),
        'No tasks.',
      )
    })

  task
    .command('show <id>')
    .description('show a task with its threads and runs')
    .option('--json', 'print as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { connection, client } = connect()
      const detail = await readJson<TaskDetail>(
        client.api.tasks[':id'].$get({ param: { id } }),
        connection.url,
      )
      if (options.json) return printJson(detail)
      console.log(`${detail.id}  ${detail.title}`)
      console.log(`  status   ${detail.status}${detail.statusReason ? ` (${detail.statusReason})` : ''}`)
      console.log(`  project  ${detail.projectId}`)
      console.log(
        `  agent    ${detail.agent}${detail.model ? ` / ${detail.model}` : ''}, mode ${detail.mode}`,
      )
      console.log(`  created  ${detail.createdAt}`)
      console.log(`  threads  ${detail.threads.map((t) => `${t.id} (${t.title})`).join(', ')}`)
      console.log(`  runs     ${detail.runs.length}`)
      console.log(`  events   ${detail.lastSeq}`)
      console.log(`\n${detail.prompt}`)
    })

  task
    .command('send <id> <message>')
    .description('send a follow-up message; a finished, failed or cancelled task is queued again')
    .option('--thread <threadId>', "the thread (default: the task's first)")
    .option('--json', 'print the stored message event and the task as JSON')
    .action(async (id: string, message: string, options: { thread?: string; json?: boolean }) => {
      const { connection, client } = connect()
      const sent = await readJson<{ task: Task; event: { seq: number } }>(
        client.api.tasks[':id'].messages.$post({
          param: { id },
          json: { text: message, threadId: options.thread },
        }),
        connection.url,
      )
      if (options.json) printJson(sent)
      else console.log(`Sent as event #${sent.event.seq}; task ${id} is ${sent.task.status}`)
    })

  task
    .command('start <id>')
    .description('queue a backlog task')
    .action(async (id: string) => {
      const { connection, client } = connect()
      const started = await readJson<Task>(
        client.api.tasks[':id'].start.$post({ param: { id } }),
        connection.url,
      )
      console.log(`Task ${id} is ${started.status}`)
    })

  task
    .command('approve <id> <approvalId>')
    .description('allow a tool call the task waits on (see it in `cadre task logs`), or deny it')
    .option('--deny', 'deny it instead: the agent is told and goes on without it')
    .option('--remember', "allow the same command or path from now on (adds a rule to the project's policy)")
    .action(async (id: string, approvalId: string, options: { deny?: boolean; remember?: boolean }) => {
      const { connection, client } = connect()
      const decision = options.deny ? 'deny' : 'allow'
      const resumed = await readJson<Task>(
        client.api.tasks[':id'].approvals[':approvalId'].$post({
          param: { id, approvalId },
          json: { decision, remember: options.remember === true },
        }),
        connection.url,
      )
      console.log(`${decision === 'allow' ? 'Allowed' : 'Denied'}; task ${id} is ${resumed.status}`)
    })

  task
    .command('cancel <id>')
    .description('cancel a task')
    .option('--reason <reason>', 'why, recorded with the change')
    .action(async (id: string, options: { reason?: string }) => {
      const { connection, client } = connect()
      const cancelled = await readJson<Task>(
        client.api.tasks[':id'].cancel.$post({ param: { id }, json: { reason: options.reason } }),
        connection.url,
      )
      console.log(`Task ${id} is ${cancelled.status}`)
    })

  task
    .command('logs <id>')
    .description("print a task's events; -f follows them live")
    .option('-f, --follow', 'keep streaming new events until interrupted')
    .option('--after <seq>', 'start after this seq', '0')
    .option('--json', 'one JSON event per line')
    .action(async (id: string, options: { follow?: boolean; after: string; json?: boolean }) => {
      const { connection, client } = connect()
      const after = Number(options.after)
      if (!Number.isInteger(after) || after < 0)
        throw new CadreError('bad_request', '--after must be a seq (0 or more)')
      const logOptions = { id, after, json: options.json === true }
      if (options.follow) await followTaskLogs(connection, logOptions)
      else await printTaskLogs(client, connection, logOptions)
    })
}
