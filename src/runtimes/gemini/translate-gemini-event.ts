import { z } from 'zod'
import type { ActionKind } from '../../core/action-kind.ts'
import { type AgentAction, translateMessage } from '../agent-action.ts'
import { workspacePath } from '../workspace-path.ts'

// The lines `gemini --output-format stream-json` prints (0.61), as far as Cadre reads them.
const GeminiEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), session_id: z.string() }),
  z.object({ type: z.literal('message'), role: z.enum(['user', 'assistant']), content: z.string() }),
  z.object({
    type: z.literal('tool_use'),
    tool_name: z.string(),
    tool_id: z.string(),
    parameters: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({
    type: z.literal('tool_result'),
    tool_id: z.string(),
    status: z.string(),
    output: z.string().optional(),
    error: z.object({ message: z.string() }).optional(),
  }),
  z.object({
    type: z.literal('result'),
    status: z.string(),
    error: z.object({ message: z.string() }).optional(),
    stats: z
      .object({
        input_tokens: z.number().int().nonnegative().default(0),
        output_tokens: z.number().int().nonnegative().default(0),
        cached: z.number().int().nonnegative().default(0),
      })
      .optional(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
])

/** Gemini CLI's built-in tools by what they do; MCP and other tools are `other`. */
const kinds: Record<string, ActionKind> = {
  run_shell_command: 'command',
  write_file: 'file_edit',
  replace: 'file_edit',
  read_file: 'file_read',
  read_many_files: 'file_read',
  list_directory: 'search',
  glob: 'search',
  search_file_content: 'search',
  web_fetch: 'web',
  google_web_search: 'web',
}

/**
 * A translator of one Gemini CLI session: it remembers each call's name and kind from its
 * `tool_use`, so the `tool_result` that only names the call can say what ended.
 */
export const createGeminiTranslator = (root: string) => {
  const calls = new Map<string, { tool: string; kind: ActionKind; paths?: string[]; command?: string }>()
  return (raw: unknown): AgentAction[] =>
    translateMessage(GeminiEvent, raw, (event): AgentAction[] => {
      switch (event.type) {
        case 'init':
          return [{ type: 'session', sessionId: event.session_id }]
        case 'message':
          return event.role === 'assistant' ? [{ type: 'text', text: event.content }] : []
        case 'tool_use': {
          const { command, file_path: path } = event.parameters as { command?: unknown; file_path?: unknown }
          const call = {
            tool: event.tool_name,
            // An MCP server's tools are named `mcp_<server>_<tool>`.
            kind: kinds[event.tool_name] ?? (event.tool_name.startsWith('mcp_') ? 'mcp' : 'other'),
            ...(typeof path === 'string' && { paths: [workspacePath(root, path)] }),
            ...(typeof command === 'string' && { command }),
          }
          calls.set(event.tool_id, call)
          return [{ type: 'tool', callId: event.tool_id, status: 'running', ...call }]
        }
        case 'tool_result': {
          const call = calls.get(event.tool_id) ?? { tool: 'unknown', kind: 'other' as const }
          const failed = event.status !== 'success'
          return [
            {
              type: 'tool',
              callId: event.tool_id,
              ...call,
              status: failed ? 'error' : 'completed',
              output: event.output ?? event.error?.message ?? '',
            },
          ]
        }
        case 'result': {
          const usage: AgentAction[] = event.stats
            ? [
                {
                  type: 'usage',
                  usage: {
                    inputTokens: event.stats.input_tokens,
                    outputTokens: event.stats.output_tokens,
                    cachedTokens: event.stats.cached,
                    cacheWriteTokens: 0,
                    reasoningTokens: 0,
                  },
                  costUsd: null,
                },
              ]
            : []
          const failed = event.status !== 'success'
          return [
            ...usage,
            ...(failed
              ? [{ type: 'error' as const, message: event.error?.message ?? `gemini ended: ${event.status}` }]
              : []),
          ]
        }
        case 'error':
          return [{ type: 'error', message: event.message }]
      }
    })
}
