import { z } from 'zod'
import type { ActionKind } from '../../core/action-kind.ts'
import { type AgentAction, translateMessage } from '../agent-action.ts'
import { workspacePath } from '../workspace-path.ts'

// The messages the Claude Agent SDK's query() yields (0.3.330), as far as Cadre reads them.
const ContentBlock = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('thinking'), thinking: z.string() }),
  z.object({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z
      .union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))])
      .optional(),
    is_error: z.boolean().optional(),
  }),
])
// Blocks Cadre does not read (redacted thinking, images…) are skipped, not a reason to drop the message.
const Content = z.array(z.unknown()).transform((blocks) =>
  blocks.flatMap((block) => {
    const parsed = ContentBlock.safeParse(block)
    return parsed.success ? [parsed.data] : []
  }),
)

const Usage = z.object({
  input_tokens: z.number().int().nonnegative().default(0),
  output_tokens: z.number().int().nonnegative().default(0),
  cache_read_input_tokens: z.number().int().nonnegative().nullable().default(0),
  cache_creation_input_tokens: z.number().int().nonnegative().nullable().default(0),
})

const ClaudeMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('system'), subtype: z.string(), session_id: z.string().optional() }),
  z.object({ type: z.literal('assistant'), message: z.object({ content: Content }) }),
  z.object({ type: z.literal('user'), message: z.object({ content: z.union([z.string(), Content]) }) }),
  z.object({
    type: z.literal('result'),
    subtype: z.string(),
    is_error: z.boolean().default(false),
    result: z.string().optional(),
    errors: z.array(z.string()).optional(),
    usage: Usage.optional(),
    total_cost_usd: z.number().nonnegative().optional(),
  }),
])

/** Claude Code's tools by what they do; `mcp__server__tool` is an MCP tool; anything else `other`. */
const kinds: Record<string, ActionKind> = {
  Bash: 'command',
  Write: 'file_edit',
  Edit: 'file_edit',
  MultiEdit: 'file_edit',
  NotebookEdit: 'file_edit',
  Read: 'file_read',
  Grep: 'search',
  Glob: 'search',
  LS: 'search',
  WebFetch: 'web',
  WebSearch: 'web',
}
export const kindOf = (tool: string): ActionKind =>
  kinds[tool] ?? (tool.startsWith('mcp__') ? 'mcp' : 'other')

/** What a call touches: the file (or folder) of a file tool, the command line of Bash. */
export const subjectOf = (
  root: string,
  input: Record<string, unknown>,
): { paths?: string[]; command?: string } => {
  const path = input.file_path ?? input.notebook_path ?? input.path
  if (typeof path === 'string') return { paths: [workspacePath(root, path)] }
  if (typeof input.command === 'string') return { command: input.command }
  return {}
}

const resultText = (content: z.infer<typeof ContentBlock> & { type: 'tool_result' }) =>
  typeof content.content === 'string'
    ? content.content
    : (content.content ?? []).flatMap((part) => (part.text === undefined ? [] : [part.text])).join('\n')

/**
 * A translator of one Claude Code session: it remembers each call from its `tool_use`, so the
 * `tool_result` that only names the call can say what ended (and a Bash failure its exit code).
 */
export const createClaudeTranslator = (root: string) => {
  const calls = new Map<string, { tool: string; input: Record<string, unknown> }>()
  const translate = (raw: unknown): AgentAction[] =>
    translateMessage(ClaudeMessage, raw, (message): AgentAction[] => {
      switch (message.type) {
        case 'system':
          // Only the start of a session matters to Cadre; status and compaction notes do not.
          return message.subtype === 'init' && message.session_id
            ? [{ type: 'session', sessionId: message.session_id }]
            : []
        case 'assistant':
          return message.message.content.flatMap((block): AgentAction[] => {
            if (block.type === 'text') return block.text ? [{ type: 'text', text: block.text }] : []
            if (block.type === 'thinking') return [{ type: 'reasoning', text: block.thinking }]
            if (block.type !== 'tool_use') return []
            calls.set(block.id, { tool: block.name, input: block.input })
            return [
              {
                type: 'tool',
                callId: block.id,
                tool: block.name,
                kind: kindOf(block.name),
                status: 'running',
                ...subjectOf(root, block.input),
              },
            ]
          })
        case 'user': {
          const { content } = message.message
          if (typeof content === 'string') return []
          return content.flatMap((block): AgentAction[] => {
            if (block.type !== 'tool_result') return []
            const call = calls.get(block.tool_use_id) ?? { tool: 'unknown', input: {} }
            const output = resultText(block)
            const kind = kindOf(call.tool)
            const failedWith = /^Exit code (\d+)/.exec(output)?.[1]
            return [
              {
                type: 'tool',
                callId: block.tool_use_id,
                tool: call.tool,
                kind,
                status: block.is_error ? 'error' : 'completed',
                ...subjectOf(root, call.input),
                ...(kind === 'command' && {
                  exitCode: failedWith ? Number(failedWith) : block.is_error ? null : 0,
                }),
                output,
              },
            ]
          })
        }
        case 'result': {
          const usage = message.usage ?? Usage.parse({})
          const cachedTokens = usage.cache_read_input_tokens ?? 0
          const cacheWriteTokens = usage.cache_creation_input_tokens ?? 0
          const actions: AgentAction[] = [
            {
              type: 'usage',
              usage: {
                // Cadre counts every input token, read from the cache or not, as the AI SDK does.
                inputTokens: usage.input_tokens + cachedTokens + cacheWriteTokens,
                outputTokens: usage.output_tokens,
                cachedTokens,
                cacheWriteTokens,
                reasoningTokens: 0,
              },
              costUsd: message.total_cost_usd ?? null,
            },
          ]
          if (message.is_error || message.subtype !== 'success') {
            const said = message.errors?.join('; ') || message.result || message.subtype
            actions.push({ type: 'error', message: said })
          }
          return actions
        }
      }
    })
  return {
    translate,
    /** The input the agent gave a call, as its `tool_use` said. */
    inputOf: (callId: string) => calls.get(callId)?.input,
  }
}
