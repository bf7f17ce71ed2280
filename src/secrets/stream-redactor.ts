import type { Redactor } from './redactor.ts'

/** Text held back longer than this is let through (redacted as far as it can be): streams must flow. */
const maxHeldChars = 16 * 1024

/**
 * Redacts text that arrives in pieces (streamed model output, process output), where a secret can
 * be split across two pieces. Secrets and token shapes contain no whitespace, so everything before
 * the last two words is final; the tail is held until more text or the end. A PEM block is held
 * until it closes.
 */
export interface StreamRedactor {
  /** Takes the next piece; returns the text that is now safe to pass on (maybe empty). */
  push(piece: string): string
  /** The end of the stream: the rest, redacted. */
  flush(): string
}

export const createStreamRedactor = (redactor: Redactor): StreamRedactor => {
  let held = ''
  return {
    push(piece) {
      held += piece
      let cut = safeCut(held)
      if (cut === 0) {
        if (held.length <= maxHeldChars) return ''
        cut = forcedCut(held, Math.max(redactor.longestSecret, 256))
      }
      const ready = held.slice(0, cut)
      held = held.slice(cut)
      return redactor.redact(ready)
    },
    flush() {
      const rest = redactor.redact(held)
      held = ''
      return rest
    },
  }
}

/**
 * Where the text can be cut so that no secret straddles the cut: before its last two words, and
 * never inside a PEM block, held whole until closed.
 */
const safeCut = (text: string): number => {
  let cut = beforeLastTwoWords(text)
  const begin = text.lastIndexOf('-----BEGIN ')
  if (begin !== -1) {
    const end = /-----END [A-Z0-9 ]*-----/.exec(text.slice(begin))
    const blockEnd = end ? begin + end.index + end[0].length : -1
    if (blockEnd === -1 || (cut > begin && cut < blockEnd)) cut = Math.min(cut, begin)
  }
  return cut
}

/**
 * Long text without whitespace (compact JSON, base64) must still flow: cut after the last character
 * no secret contains, else keep back enough for the longest secret to arrive whole.
 */
const forcedCut = (text: string, keep: number): number => {
  const delimiter = Math.max(...[...'",;{}[]()<>\''].map((char) => text.lastIndexOf(char)))
  return delimiter > 0 ? delimiter + 1 : Math.max(0, text.length - keep)
}

const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char)

const beforeLastTwoWords = (text: string): number => {
  let i = text.length
  while (i > 0 && isSpace(text[i - 1])) i--
  for (let word = 0; word < 2; word++) {
    while (i > 0 && !isSpace(text[i - 1])) i--
    if (word === 0) while (i > 0 && isSpace(text[i - 1])) i--
  }
  // "Bearer" is matched together with the credential after it: keep them on one side of the cut.
  let before = i
  while (before > 0 && isSpace(text[before - 1])) before--
  if (/bearer$/i.test(text.slice(Math.max(0, before - 6), before))) return before - 6
  return i
}
