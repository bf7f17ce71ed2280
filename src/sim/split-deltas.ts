/** Text as the pieces of a stream, a few words each, so clients really have to reassemble it. */
export const splitText = (text: string, wordsPerPiece = 3): string[] => {
  if (text === '') return []
  const words = text.split(/(?<=\s)(?=\S)/)
  const pieces: string[] = []
  for (let start = 0; start < words.length; start += wordsPerPiece) {
    pieces.push(words.slice(start, start + wordsPerPiece).join(''))
  }
  return pieces
}

/** Tool arguments in pieces of a few characters (never splitting a character), as providers send them. */
export const splitArguments = (text: string, size = 8): string[] => {
  const characters = Array.from(text)
  const pieces: string[] = []
  for (let start = 0; start < characters.length; start += size) {
    pieces.push(characters.slice(start, start + size).join(''))
  }
  return pieces
}
