import type { SimRequest } from './sim-request.ts'

/**
 * Where each agent CLI states its working directory (see docs/simulator.md):
 * Codex `<environment_context><cwd>…</cwd>`, Claude Code `Primary working directory: …` (in a
 * `role: "system"` message), Gemini CLI `I'm currently working in the directory: …`, OpenCode
 * `<env> Working directory: …`; the rest are common variants.
 */
const cwdPatterns = [
  /<cwd>\s*([^<\n]+?)\s*<\/cwd>/i,
  /Primary working directory:[ \t]*(\S[^\n]*)/i,
  /working in the directory:[ \t]*(\S[^\n]*)/i,
  /Current working directory:[ \t]*(\S[^\n]*)/i,
  /\*{0,2}Working directory\*{0,2}:\*{0,2}[ \t]*(\S[^\n]*)/i,
  /Workspace (?:root|directory):[ \t]*(\S[^\n]*)/i,
  /(?:^|[\s{,"])cwd["']?[ \t]*[:=][ \t]*(\S[^\n]*)/i,
]

const clean = (path: string) =>
  path
    .trim()
    .replace(/^[`'"]+|[`'",]+$/g, '')
    .trim()

/** The working directory the client put in its prompt, or undefined when it gave none. */
export const findCwd = (request: SimRequest): string | undefined => {
  const texts = [request.system]
  for (const message of request.messages) {
    if (message.role !== 'user') continue
    for (const part of message.parts) if (part.type === 'text') texts.push(part.text)
  }
  for (const pattern of cwdPatterns) {
    for (const text of texts) {
      const found = pattern.exec(text)?.[1]
      if (found && clean(found)) return clean(found)
    }
  }
  return undefined
}
