import { randomBytes } from 'node:crypto'

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A fresh id in the style providers use (`msg_01…`, `call_…`): a prefix and random letters and digits. */
export const randomId = (prefix: string, length = 24): string => {
  const bytes = randomBytes(length)
  let id = prefix
  for (const byte of bytes) id += alphabet[byte % alphabet.length]
  return id
}
