import { parseArguments } from './tool-output-text.ts'

/**
 * A tool call's arguments as the object Anthropic's `tool_use.input` and Gemini's
 * `functionCall.args` must be: JSON object text as that object; anything else (a custom tool's raw
 * text, or JSON that is an array, a string or a number) wrapped as `{input: text}`, as a string given
 * to a function tool already is.
 */
export const toolArguments = (text: string): Record<string, unknown> => {
  const parsed = parseArguments(text)
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { input: text }
}
