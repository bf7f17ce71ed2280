import type { ToolCallRequest } from '../agent-runtime.ts'
import { kindOf, subjectOf } from './translate-claude-message.ts'

/** Claude Code's tools as the built-in tools Cadre's policy rules name, and whether they only read. */
const equivalents: Record<string, { tool: string; readOnly: boolean }> = {
  Bash: { tool: 'bash', readOnly: false },
  Write: { tool: 'write_file', readOnly: false },
  Edit: { tool: 'edit_file', readOnly: false },
  MultiEdit: { tool: 'edit_file', readOnly: false },
  NotebookEdit: { tool: 'edit_file', readOnly: false },
  Read: { tool: 'read_file', readOnly: true },
  Grep: { tool: 'grep', readOnly: true },
  Glob: { tool: 'list_files', readOnly: true },
  LS: { tool: 'list_files', readOnly: true },
}

/**
 * A Claude Code tool call in Cadre's policy terms, so one set of rules governs every agent: `Bash`
 * is `bash` with its command, the file tools are `write_file`/`edit_file`/`read_file` with the path
 * inside the workspace; other tools keep their own name (a rule can name them so) and their input.
 */
export const policyCallOf = (
  name: string,
  input: Record<string, unknown>,
  root: string,
): Omit<ToolCallRequest, 'callId'> => {
  const known = equivalents[name]
  const kind = kindOf(name)
  if (!known) return { tool: name, kind, input, readOnly: false }
  const { command, paths } = subjectOf(root, input)
  const subject = command !== undefined ? { command } : paths ? { path: paths[0] } : {}
  return { tool: known.tool, kind, input: subject, readOnly: known.readOnly }
}
