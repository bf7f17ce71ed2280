import type { ModelMessage, ToolContent } from 'ai'

/** About how many tokens a conversation takes: ~4 characters a token, as providers count English and code. */
export const estimateTokens = (messages: readonly ModelMessage[], system = ''): number =>
  Math.ceil((JSON.stringify(messages).length + system.length) / 4)

/** The most recent tool results kept whole: the model is usually working on them. */
const keptWhole = 2

const compacted = (content: ToolContent): ToolContent =>
  content.map((part) => {
    if (part.type !== 'tool-result' || (part.output.type !== 'text' && part.output.type !== 'error-text'))
      return part
    const { value } = part.output
    if (value.length <= 200) return part
    const note = `[output compacted to fit the context window: ${value.length} characters, beginning "${value.slice(0, 120)}…". It is kept in the task's log; run the tool again if you need it.]`
    return { ...part, output: { ...part.output, value: note } }
  })

/**
 * The conversation made to fit `limit` tokens by replacing the output of older tool calls with a
 * short note (the full output stays in the event log); the last few results stay whole. Returns the
 * messages unchanged when they fit already.
 */
export const compactConversation = (
  messages: readonly ModelMessage[],
  limit: number,
  system = '',
): ModelMessage[] => {
  if (estimateTokens(messages, system) <= limit) return [...messages]
  const toolIndexes = messages.flatMap((message, index) => (message.role === 'tool' ? [index] : []))
  const older = new Set(toolIndexes.slice(0, Math.max(0, toolIndexes.length - keptWhole)))
  const result = messages.map((message, index) =>
    older.has(index) && message.role === 'tool'
      ? { ...message, content: compacted(message.content) }
      : message,
  )
  // Still too big: the kept results go too, all but the very last.
  if (estimateTokens(result, system) > limit && toolIndexes.length > 1) {
    const last = toolIndexes.at(-1)
    return result.map((message, index) =>
      index !== last && message.role === 'tool'
        ? { ...message, content: compacted(message.content) }
        : message,
    )
  }
  return result
}
