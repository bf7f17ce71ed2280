import { z } from 'zod'

/** What a tool call does, whatever the agent calls its tool: how the UI shows it, how review reads it. */
export const ActionKind = z.enum(['file_read', 'file_edit', 'command', 'search', 'web', 'mcp', 'other'])
export type ActionKind = z.infer<typeof ActionKind>
