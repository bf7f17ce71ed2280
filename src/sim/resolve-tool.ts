import type { SimTool } from './sim-request.ts'

/**
 * The offered tool a scenario's `toolCall.tool` means: the one named exactly so, else the same
 * name in another case, else the first whose name contains it (so `write` finds Claude Code's
 * `Write`, Gemini CLI's `write_file` and OpenCode's `write`). With no such tool offered, the name
 * is used as given, as a function tool.
 */
export const resolveTool = (wanted: string, tools: SimTool[]): SimTool => {
  const lower = wanted.toLowerCase()
  const tool =
    tools.find((candidate) => candidate.name === wanted) ??
    tools.find((candidate) => candidate.name.toLowerCase() === lower) ??
    tools.find((candidate) => candidate.name.toLowerCase().includes(lower))
  return tool ?? { name: wanted, kind: 'function' }
}

/**
 * A scenario's tool input as the text that goes on the wire: custom tools take a free-form string,
 * function tools JSON arguments (a string given to a function tool becomes `{"input": …}`, the shape
 * of Codex's function-style `apply_patch`).
 */
export const toolInputText = (input: unknown, kind: SimTool['kind']): string => {
  if (kind === 'custom') return typeof input === 'string' ? input : JSON.stringify(input)
  return JSON.stringify(typeof input === 'string' ? { input } : (input ?? {}))
}
