import type { IncomingMessage } from 'node:http'
import { SimInputError, SimPayloadTooLargeError } from './sim-request.ts'

/** Larger than any real prompt with attachments, small enough not to exhaust memory. */
export const maxBodyBytes = 64 * 1024 * 1024

/**
 * Deeper than any real request nests (a tool schema of a few dozen levels is already unusual);
 * shallow enough that code walking the body recursively (JSON.stringify too) keeps its stack.
 */
const maxJsonDepth = 256

/** The raw request body; a body over `limit` bytes is refused with a SimPayloadTooLargeError. */
export const readBody = async (request: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> => {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > limit) throw new SimPayloadTooLargeError(`request body is larger than ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

// Iterative, since the point is not to trust the body's depth with the call stack.
const depthOf = (value: unknown): number => {
  let deepest = 0
  const pending: Array<[unknown, number]> = [[value, 1]]
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!
    if (node === null || typeof node !== 'object') continue
    deepest = Math.max(deepest, depth)
    if (deepest > maxJsonDepth) return deepest
    for (const child of Object.values(node)) pending.push([child, depth + 1])
  }
  return deepest
}

/** The request body as JSON, or a SimInputError saying why it is not. */
export const readJsonBody = async (request: IncomingMessage): Promise<unknown> => {
  const text = (await readBody(request)).toString('utf8')
  if (text.trim() === '') throw new SimInputError('request body is empty; expected a JSON object')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new SimInputError(`request body is not valid JSON: ${(error as Error).message}`)
  }
  if (depthOf(value) > maxJsonDepth)
    throw new SimInputError(`request body nests deeper than ${maxJsonDepth} levels`)
  return value
}
