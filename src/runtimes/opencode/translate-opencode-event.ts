import { z } from 'zod'
import type { ActionKind } from '../../core/action-kind.ts'
import { type ActionStatus, type AgentAction, translateMessage } from '../agent-action.ts'
import { workspacePath } from '../workspace-path.ts'

// The lines `opencode run --format json` prints (1.18), as far as Cadre reads them.
const Part = z.object({ sessionID: z.string() })

const OpencodeEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step_start'), sessionID: z.string() }),
  z.object({ type: z.literal('text'), sessionID: z.string(), part: Part.extend({ text: z.string() }) }),
  z.object({ type: z.literal('reasoning'), sessionID: z.string(), part: Part.extend({ text: z.string() }) }),
  z.object({
    type: z.literal('tool_use'),
    sessionID: z.string(),
    part: Part.extend({
      tool: z.string(),
      callID: z.string(),
      state: z.object({
        status: z.enum(['pending', 'running', 'completed', 'error']),
        input: z.record(z.string(), z.unknown()).default({}),
        output: z.string().optional(),
        error: z.string().optional(),
        metadata: z.object({ exit: z.number().int().nullable().optional() }).loose().optional(),
      }),
    }),
  }),
  z.object({
    type: z.literal('step_finish'),
    sessionID: z.string(),
    part: Part.extend({
      tokens: z.object({
        input: z.number().int().nonnegative(),
        output: z.number().int().nonnegative(),
        reasoning: z.number().int().nonnegative().default(0),
        cache: z.object({ read: z.number().int().nonnegative(), write: z.number().int().nonnegative() }),
      }),
      cost: z.number().nonnegative().optional(),
    }),
  }),
  z.object({ type: z.literal('error'), sessionID: z.string().optional(), error: z.unknown() }),
])

/** OpenCode's built-in tools by what they do; others (MCP, plugins) are `other`. */
const kinds: Record<string, ActionKind> = {
  bash: 'command',
  write: 'file_edit',
  edit: 'file_edit',
  patch: 'file_edit',
  multiedit: 'file_edit',
  read: 'file_read',
  glob: 'search',
  grep: 'search',
  list: 'search',
  webfetch: 'web',
}

const errorText = (error: unknown) =>
  typeof error === 'string'
    ? error
    : ((error as { message?: string; data?: { message?: string } } | null)?.data?.message ??
      JSON.stringify(error))

/**
 * A translator of one OpenCode session: the first line's session id is the session to resume;
 * each step's tokens and cost are its usage (a cost of 0 counts as unknown, to be priced by Cadre).
 * The tools of the MCP servers it was given (`mcpServers`, by name) are named `<server>_<tool>`.
 */
export const createOpencodeTranslator = (root: string, mcpServers: readonly string[] = []) => {
  const kindOf = (tool: string): ActionKind =>
    kinds[tool] ?? (mcpServers.some((server) => tool.startsWith(`${server}_`)) ? 'mcp' : 'other')
  let session: string | undefined
  return (raw: unknown): AgentAction[] =>
    translateMessage(OpencodeEvent, raw, (event): AgentAction[] => {
      const opened: AgentAction[] =
        event.sessionID && event.sessionID !== session
          ? [{ type: 'session', sessionId: event.sessionID }]
          : []
      if (event.sessionID) session = event.sessionID
      switch (event.type) {
        case 'step_start':
          return opened
        case 'text':
          return [...opened, { type: 'text', text: event.part.text }]
        case 'reasoning':
          return [...opened, { type: 'reasoning', text: event.part.text }]
        case 'tool_use': {
          const { tool, callID, state } = event.part
          const kind = kindOf(tool)
          const { filePath, command } = state.input as { filePath?: unknown; command?: unknown }
          const status: ActionStatus = state.status
          const ended = status === 'completed' || status === 'error'
          return [
            ...opened,
            {
              type: 'tool',
              callId: callID,
              tool,
              kind,
              status,
              ...(typeof filePath === 'string' && { paths: [workspacePath(root, filePath)] }),
              ...(typeof command === 'string' && { command }),
              ...(ended && { output: state.output ?? state.error ?? '' }),
              ...(ended && kind === 'command' && { exitCode: state.metadata?.exit ?? null }),
            },
          ]
        }
        case 'step_finish': {
          const { tokens, cost } = event.part
          return [
            ...opened,
            {
              type: 'usage',
              usage: {
                inputTokens: tokens.input + tokens.cache.read + tokens.cache.write,
                outputTokens: tokens.output,
                cachedTokens: tokens.cache.read,
                cacheWriteTokens: tokens.cache.write,
                reasoningTokens: tokens.reasoning,
              },
              costUsd: cost ? cost : null,
            },
          ]
        }
        case 'error':
          return [...opened, { type: 'error', message: errorText(event.error) }]
      }
    })
}
