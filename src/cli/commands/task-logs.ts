import { type CadreEvent, isStoredEvent, type StoredEvent } from '../../core/events/registry.ts'
import { type Client, type Connection, readJson } from '../client.ts'
import { clock } from '../output.ts'
import { streamTaskEvents } from '../stream-task-events.ts'
import { createUnseenText } from '../unseen-text.ts'

interface LogOptions {
  id: string
  after: number
  json: boolean
}

const firstLine = (text: string) => text.split('\n', 1)[0]!

/** One line a person reads for a stored event. */
const describeEvent = (event: StoredEvent): string => {
  const head = `#${String(event.seq).padEnd(4)} ${clock(event.at)}  ${event.type.padEnd(20)}`
  switch (event.type) {
    case 'task.created':
      return `${head} ${event.data.title} (${event.data.agent}, ${event.data.status})`
    case 'task.status_changed':
      return `${head} ${event.data.from} → ${event.data.to}${event.data.reason ? ` (${event.data.reason})` : ''}`
    case 'thread.created':
      return `${head} ${event.data.title} ${event.data.threadId}`
    case 'message.user':
      return `${head} ${firstLine(event.data.text)}`
    case 'message.assistant': {
      const calls = event.data.toolCalls.map((call) => call.tool).join(', ')
      return `${head} ${firstLine(event.data.text)}${calls ? ` → ${calls}` : ''}`
    }
    case 'tool.process':
      return `${head} process group ${event.data.processGroup} on ${event.data.host}`
    case 'approval.requested':
      return `${head} ${event.data.tool} waits for approval ${event.data.approvalId}: ${event.data.reason}`
    case 'approval.decided':
      return `${head} ${event.data.approvalId} ${event.data.decision === 'allow' ? 'allowed' : 'denied'}${event.data.remember ? ' from now on' : ''}`
    case 'tool.started':
      return `${head} ${event.data.tool} ${event.data.callId}`
    case 'tool.finished':
      return `${head} ${event.data.tool} ${event.data.isError ? 'failed' : 'done'} in ${event.data.durationMs} ms: ${firstLine(event.data.output)}`
    case 'step.retrying':
      return `${head} step ${event.data.step} attempt ${event.data.attempt} failed (${event.data.reason}); retrying in ${(event.data.delayMs / 1000).toFixed(1)} s`
    case 'workspace.ready':
      return `${head} ${event.data.path} on ${event.data.branch} from ${event.data.baseBranch}${event.data.warning ? ` — ${event.data.warning}` : ''}`
    case 'checkpoint.created':
      return `${head} checkpoint ${event.data.checkpoint} ${event.data.commit.slice(0, 10)}${event.data.step ? ` after step ${event.data.step}` : ''}`
    case 'task.committed':
      return `${head} ${event.data.commit.slice(0, 10)} ${firstLine(event.data.message)} (${event.data.files} files)`
    case 'task.merged':
      return `${head} into ${event.data.baseBranch} (${event.data.strategy}) at ${event.data.commit.slice(0, 10)}`
    case 'merge.conflicted':
      return `${head} merging into ${event.data.baseBranch} conflicts in ${event.data.files.join(', ')}`
    case 'task.discarded':
      return `${head} archived at ${event.data.archiveRef}`
    case 'task.rolled_back':
      return `${head} to checkpoint ${event.data.checkpoint} (#${event.data.toSeq})`
    case 'task.forked':
      return `${head} from ${event.data.fromTaskId} checkpoint ${event.data.checkpoint}`
    case 'workspace.removed':
      return `${head} ${event.data.path} (${event.data.archiveRef ? `changes kept at ${event.data.archiveRef}` : `work on ${event.data.branch}`})`
    case 'agent.other':
      return `${head} ${event.data.agent}: ${firstLine(JSON.stringify(event.data.raw))}`
    case 'workspace.copied':
      return `${head} ${event.data.paths.map((copy) => (copy.copied ? copy.path : `${copy.path} (${copy.note})`)).join(', ')} in ${event.data.durationMs} ms`
    case 'setup.finished':
      return `${head} ${event.data.script} ${event.data.exitCode === 0 ? 'done' : `failed (exit ${event.data.exitCode ?? 'killed'})`} in ${event.data.durationMs} ms`
    case 'check.finished':
      return `${head} ${event.data.command} ${event.data.exitCode === 0 ? 'passed' : `failed (${event.data.timedOut ? 'timed out' : `exit ${event.data.exitCode ?? 'killed'}`})`} in ${event.data.durationMs} ms`
    case 'preview.started':
      return `${head} ${event.data.url} (${event.data.command}, port ${event.data.devPort})`
    case 'preview.stopped':
      return `${head} ${event.data.reason}${event.data.exitCode === null ? '' : ` (exit ${event.data.exitCode})`}`
    case 'preview.error': {
      const where = event.data.source ? ` at ${event.data.source}:${event.data.line ?? '?'}` : ''
      return `${head} ${event.data.kind}: ${firstLine(event.data.message)}${where}${event.data.count > 1 ? ` ×${event.data.count}` : ''}`
    }
    case 'compare.created':
      return `${head} ${event.data.children.map((child) => `${child.agent} ${child.taskId}`).join(', ')}`
    case 'compare.child_changed':
      return `${head} ${event.data.agent} ${event.data.childId}: ${event.data.from} → ${event.data.to}${event.data.reason ? ` (${event.data.reason})` : ''}`
    case 'step.finished': {
      const { usage, costUsd } = event.data
      const cost = costUsd === null ? 'cost unknown' : `$${costUsd.toFixed(4)}`
      return `${head} step ${event.data.step} ${event.data.model}: ${usage.inputTokens} in, ${usage.outputTokens} out, ${cost}`
    }
  }
}

let midLine = false
const unseen = createUnseenText()
const print = (event: CadreEvent, json: boolean) => {
  if (json) return console.log(JSON.stringify(event))
  if (!isStoredEvent(event)) {
    // Live text is written as it streams; tool input and output are summed up by their stored events.
    if (event.type !== 'assistant.delta') return
    process.stdout.write(unseen(event))
    midLine = true
    return
  }
  if (midLine) process.stdout.write('\n')
  midLine = false
  console.log(describeEvent(event))
}

/** Prints every stored event after `after`, page by page. */
export const printTaskLogs = async (client: Client, connection: Connection, options: LogOptions) => {
  let after = options.after
  for (;;) {
    const page = await readJson<{ events: StoredEvent[]; lastSeq: number }>(
      client.api.tasks[':id'].events.$get({ param: { id: options.id }, query: { after: String(after) } }),
      connection.url,
    )
    for (const event of page.events) print(event, options.json)
    if (page.events.length === 0 || page.events.at(-1)!.seq >= page.lastSeq) return
    after = page.events.at(-1)!.seq
  }
}

/** Follows the task live, printing each event, until interrupted (Ctrl-C). */
export const followTaskLogs = async (connection: Connection, options: LogOptions) => {
  const interrupted = new AbortController()
  process.once('SIGINT', () => interrupted.abort())
  await streamTaskEvents(
    connection,
    { id: options.id, after: options.after, signal: interrupted.signal },
    (event) => print(event, options.json),
  )
}
