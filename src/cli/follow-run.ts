import { createInterface } from 'node:readline/promises'
import type { Run, Task, Usage } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import type { CadreEvent, StoredEvent } from '../core/events/registry.ts'
import { createActivitySpinner } from './activity-spinner.ts'
import { type Client, type Connection, readJson } from './client.ts'
import { streamTaskEvents } from './stream-task-events.ts'
import { createUnseenText } from './unseen-text.ts'

const settled = new Set(['review', 'done', 'failed', 'cancelled'])

/** Text cut to fit on one line of the live view. */
const clip = (text: string) => (text.length > 70 ? `${text.slice(0, 69)}…` : text)

/** What a call works on, from its input: its command line, else its path. */
const summarize = (input: unknown): string => {
  const fields = input as { command?: unknown; path?: unknown } | null
  return clip(
    typeof fields?.command === 'string'
      ? fields.command
      : typeof fields?.path === 'string'
        ? fields.path
        : '',
  )
}

const firstLine = (text: string) => (text.split('\n', 1)[0] ?? '').slice(0, 100)

/** Asks at the terminal whether a waiting tool call may run. */
const askPerson = async (tool: string, input: unknown, reason: string) => {
  const prompt = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const answer = (
      await prompt.question(
        `\n? ${tool} ${summarize(input)}\n  (${reason})\n  Allow it? [y]es, [n]o, [a]lways: `,
      )
    )
      .trim()
      .toLowerCase()
    return answer.startsWith('a')
      ? ('always' as const)
      : answer.startsWith('y')
        ? ('allow' as const)
        : ('deny' as const)
  } finally {
    prompt.close()
  }
}

export interface RunOutcome {
  task: Task & { runs: Run[]; usage: Usage; costUsd: number; workspace?: { path: string; branch: string } }
  /** A tool call waits for approval and nobody at a terminal can give it. */
  waiting?: { approvalId: string; tool: string }
}

/**
 * Follows a task until it settles, printing a compact live view: the agent's text as it streams,
 * one line per tool call with how it ended, retries; and answering approvals at the terminal.
 */
export const followRun = async (
  client: Client,
  connection: Connection,
  taskId: string,
): Promise<RunOutcome> => {
  const done = new AbortController()
  const calls = new Map<string, { tool: string; input: unknown }>()
  const subjects = new Map<string, string>()
  let streamed = false
  const unseen = createUnseenText()
  const spinner = createActivitySpinner()
  let midLine = false
  let waiting: RunOutcome['waiting']
  const endLine = () => {
    if (midLine) process.stdout.write('\n')
    midLine = false
  }
  const line = (text: string) => {
    spinner.hide()
    endLine()
    console.log(text)
  }
  // The spinner takes a line of its own: streamed text is ended first.
  const busy = (what: string) => {
    endLine()
    spinner.show(what)
  }
  const decide = async (event: Extract<StoredEvent, { type: 'approval.requested' }>) => {
    const { approvalId, tool, input, reason } = event.data
    if (!process.stdin.isTTY) {
      waiting = { approvalId, tool }
      return done.abort()
    }
    const answer = await askPerson(tool, input, reason)
    await readJson<Task>(
      client.api.tasks[':id'].approvals[':approvalId'].$post({
        param: { id: taskId, approvalId },
        json: { decision: answer === 'deny' ? 'deny' : 'allow', remember: answer === 'always' },
      }),
      connection.url,
    )
  }
  const onEvent = (event: CadreEvent) => {
    switch (event.type) {
      case 'assistant.delta':
        spinner.hide()
        process.stdout.write(unseen(event))
        midLine = true
        streamed = true
        return
      case 'message.assistant':
        for (const call of event.data.toolCalls) calls.set(call.callId, call)
        // An external agent's reply comes whole, not streamed: shown as it is stored.
        if (!streamed && event.data.text) line(event.data.text)
        streamed = false
        return
      case 'tool.started': {
        // What the call works on: the agent's own report (paths, command), else its input.
        const reported = event.data.command ?? event.data.paths?.join(', ')
        const subject = reported ? clip(reported) : summarize(calls.get(event.data.callId)?.input)
        subjects.set(event.data.callId, subject)
        return busy(`${event.data.tool} ${subject}`.trim())
      }
      case 'tool.finished': {
        const mark = event.data.isError ? '✗' : '✓'
        const seconds = (event.data.durationMs / 1000).toFixed(1)
        const detail = event.data.isError ? ` — ${firstLine(event.data.output)}` : ''
        const subject = subjects.get(event.data.callId) ?? summarize(calls.get(event.data.callId)?.input)
        line(`  ${mark} ${event.data.tool}${subject ? ` ${subject}` : ''}  ${seconds}s${detail}`)
        // The agent's plan is shown as it writes it: the checklist under its line.
        if (event.data.tool === 'todo' && !event.data.isError) {
          for (const item of event.data.output.split('\n')) line(`      ${item}`)
        }
        return busy('thinking')
      }
      case 'step.retrying':
        line(
          `  ↻ the model call failed (${firstLine(event.data.reason)}); retrying in ${(event.data.delayMs / 1000).toFixed(1)}s`,
        )
        return busy('waiting to retry')
      case 'approval.requested':
        spinner.hide()
        endLine()
        void decide(event).catch((error: unknown) => {
          line(`  could not answer the approval: ${(error as Error).message}`)
          done.abort()
        })
        return
      case 'workspace.ready':
        if (event.data.warning) line(`  ! ${event.data.warning}`)
        return busy('setting up the workspace')
      case 'setup.finished': {
        const seconds = (event.data.durationMs / 1000).toFixed(1)
        const failed = event.data.exitCode !== 0
        const detail = failed
          ? ` — exit ${event.data.exitCode ?? 'killed'}: ${firstLine(event.data.output.split('\n').at(-1) ?? '')}`
          : ''
        line(`  ${failed ? '✗' : '✓'} setup ${event.data.script}  ${seconds}s${detail}`)
        return failed ? undefined : busy('thinking')
      }
      case 'check.finished': {
        const { command, exitCode, timedOut, durationMs, output } = event.data
        const seconds = (durationMs / 1000).toFixed(1)
        const why = timedOut ? 'timed out' : `exit ${exitCode ?? 'killed'}`
        const detail = exitCode === 0 ? '' : ` — ${why}: ${firstLine(output.split('\n').at(-1) ?? '')}`
        return line(`  ${exitCode === 0 ? '✓' : '✗'} check ${clip(command)}  ${seconds}s${detail}`)
      }
      case 'task.status_changed':
        if (event.data.to === 'queued') busy('waiting for a free slot')
        if (event.data.to === 'running') busy('thinking')
        if (settled.has(event.data.to)) done.abort()
        return
    }
  }
  try {
    await streamTaskEvents(connection, { id: taskId, after: 0, signal: done.signal }, onEvent)
  } finally {
    spinner.hide()
  }
  endLine()
  const task = await readJson<RunOutcome['task']>(
    client.api.tasks[':id'].$get({ param: { id: taskId } }),
    connection.url,
  )
  if (!settled.has(task.status) && !waiting)
    throw new CadreError('internal', `task ${taskId} is ${task.status}`)
  return { task, ...(waiting && { waiting }) }
}
