/** Tool output as text: strings as they are, text parts joined, anything else as JSON. */
export const toolOutputText = (output: unknown): string => {
  if (typeof output === 'string') return output
  if (Array.isArray(output)) {
    return output
      .map((part) =>
        part && typeof part === 'object' && typeof part.text === 'string' ? part.text : JSON.stringify(part),
      )
      .join('\n')
  }
  return output === undefined || output === null ? '' : JSON.stringify(output)
}

/** Tool arguments that arrive as JSON text, parsed when they can be (models do send broken JSON). */
export const parseArguments = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
