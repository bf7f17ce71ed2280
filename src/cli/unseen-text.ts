/** A streamed text piece, or (`snapshot`) the whole block so far, sent on joining or reconnecting mid-block. */
interface TextPiece {
  data: { blockId: string; text: string; snapshot?: true }
}

/**
 * For a terminal that prints streamed text as it comes: returns the part of each piece not shown
 * yet, so a snapshot after a reconnect does not print the block a second time.
 */
export const createUnseenText = () => {
  const shown = new Map<string, number>()
  return ({ data: { blockId, text, snapshot } }: TextPiece): string => {
    const before = shown.get(blockId) ?? 0
    shown.set(blockId, snapshot ? Math.max(before, text.length) : before + text.length)
    return snapshot ? text.slice(before) : text
  }
}
