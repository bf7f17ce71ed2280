import { z } from 'zod'
import { type ActionStatus, type AgentAction, translateMessage } from '../agent-action.ts'
import { workspacePath } from '../workspace-path.ts'

// The lines `codex exec --json` prints (0.169), as far as Cadre reads them; more fields may come.
const ItemStatus = z.enum(['in_progress', 'completed', 'failed', 'declined']).optional()

const Item = z.discriminatedUnion('type', [
  z.object({ id: z.string(), type: z.literal('agent_message'), text: z.string() }),
  z.object({ id: z.string(), type: z.literal('reasoning'), text: z.string() }),
  z.object({
    id: z.string(),
    type: z.literal('command_execution'),
    command: z.string(),
    aggregated_output: z.string().default(''),
    exit_code: z.number().int().nullable().optional(),
    status: ItemStatus,
  }),
  z.object({
    id: z.string(),
    type: z.literal('file_change'),
    changes: z.array(z.object({ path: z.string(), kind: z.string() })),
    status: ItemStatus,
  }),
  z.object({
    id: z.string(),
    type: z.literal('mcp_tool_call'),
    server: z.string(),
    tool: z.string(),
    result: z
      .object({ content: z.array(z.object({ type: z.string(), text: z.string().optional() })).default([]) })
      .nullish(),
    error: z.object({ message: z.string() }).nullish(),
    status: ItemStatus,
  }),
  z.object({ id: z.string(), type: z.literal('web_search'), query: z.string() }),
  z.object({ id: z.string(), type: z.literal('error'), message: z.string() }),
])

const CodexEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('thread.started'), thread_id: z.string() }),
  z.object({ type: z.literal('turn.started') }),
  z.object({ type: z.enum(['item.started', 'item.updated', 'item.completed']), item: Item }),
  z.object({
    type: z.literal('turn.completed'),
    usage: z.object({
      input_tokens: z.number().int().nonnegative(),
      cached_input_tokens: z.number().int().nonnegative().default(0),
      cache_write_input_tokens: z.number().int().nonnegative().default(0),
      output_tokens: z.number().int().nonnegative(),
      reasoning_output_tokens: z.number().int().nonnegative().default(0),
    }),
  }),
  z.object({ type: z.literal('turn.failed'), error: z.object({ message: z.string() }) }),
  z.object({ type: z.literal('error'), message: z.string() }),
])

const statusOf = (status: z.infer<typeof ItemStatus>, event: string): ActionStatus =>
  status === 'failed' || status === 'declined'
    ? 'error'
    : status === 'completed' || event === 'item.completed'
      ? 'completed'
      : 'running'

// What Codex prints while it retries a model call: `Reconnecting... 2/5 (…)`.
const reconnecting = /^Reconnecting\.\.\. \d+\/\d+/

/**
 * One line of `codex exec --json` in Cadre's vocabulary: its thread id is the session to resume,
 * messages and reasoning are text, command executions and file changes are tool calls (reported
 * as they start and as they end), a completed turn carries the usage. Anything else is `other`.
 */
export const translateCodexEvent = (raw: unknown, root: string): AgentAction[] =>
  translateMessage(CodexEvent, raw, (event): AgentAction[] => {
    switch (event.type) {
      case 'thread.started':
        return [{ type: 'session', sessionId: event.thread_id }]
      case 'turn.started':
        return []
      case 'turn.completed': {
        const { usage } = event
        return [
          {
            type: 'usage',
            usage: {
              inputTokens: usage.input_tokens,
              outputTokens: usage.output_tokens,
              cachedTokens: usage.cached_input_tokens,
              cacheWriteTokens: usage.cache_write_input_tokens,
              reasoningTokens: usage.reasoning_output_tokens,
            },
            costUsd: null,
          },
        ]
      }
      case 'turn.failed':
        return [{ type: 'error', message: event.error.message }]
      case 'error':
        // Said while Codex retries a model call that failed for a moment: a notice, not the end of
        // the run (once its retries run out, the turn fails).
        return reconnecting.test(event.message)
          ? [{ type: 'other', raw: event }]
          : [{ type: 'error', message: event.message }]
      default:
        return translateItem(event.type, event.item, root)
    }
  })

const translateItem = (event: string, item: z.infer<typeof Item>, root: string): AgentAction[] => {
  const completed = event === 'item.completed'
  switch (item.type) {
    case 'agent_message':
      return completed ? [{ type: 'text', text: item.text }] : []
    case 'reasoning':
      return completed ? [{ type: 'reasoning', text: item.text }] : []
    case 'command_execution':
      return [
        {
          type: 'tool',
          callId: item.id,
          tool: 'exec_command',
          kind: 'command',
          status: statusOf(item.status, event),
          command: item.command,
          ...(completed && { exitCode: item.exit_code ?? null, output: item.aggregated_output }),
        },
      ]
    case 'file_change':
      return [
        {
          type: 'tool',
          callId: item.id,
          tool: 'apply_patch',
          kind: 'file_edit',
          status: statusOf(item.status, event),
          paths: item.changes.map((change) => workspacePath(root, change.path)),
        },
      ]
    case 'mcp_tool_call':
      return [
        {
          type: 'tool',
          callId: item.id,
          tool: `${item.server}.${item.tool}`,
          kind: 'mcp',
          status: item.error ? 'error' : statusOf(item.status, event),
          ...(completed && {
            output:
              item.error?.message ??
              (item.result?.content ?? [])
                .flatMap((part) => (part.text === undefined ? [] : [part.text]))
                .join('\n'),
          }),
        },
      ]
    case 'web_search':
      return [
        {
          type: 'tool',
          callId: item.id,
          tool: 'web_search',
          kind: 'web',
          status: statusOf(undefined, event),
          command: item.query,
        },
      ]
    case 'error':
      // An error item is a notice Codex carries on after (e.g. a model it has no metadata for); what
      // ends a turn comes as turn.failed or a top-level error.
      return [{ type: 'other', raw: item }]
  }
}
