import type { IncomingMessage } from 'node:http'
import { SimInputError } from './sim-request.ts'

/** Larger than any real prompt with attachments, small enough not to exhaust memory. */
const maxBodyBytes = 64 * 1024 * 1024

/** The raw request body; a body over the limit is refused rather than buffered. */
export const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > maxBodyBytes) throw new SimInputError(`request body is larger than ${maxBodyBytes} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** The request body as JSON, or a SimInputError saying why it is not. */
export const readJsonBody = async (request: IncomingMessage): Promise<unknown> => {
  const text = (await readBody(request)).toString('utf8')
  if (text.trim() === '') throw new SimInputError('request body is empty; expected a JSON object')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new SimInputError(`request body is not valid JSON: ${(error as Error).message}`)
  }
}
