import { readFile, rename, writeFile } from 'node:fs/promises'
import { CadreError } from '../core/errors.ts'
import { Cassette, type CassetteExchange } from './cassette.ts'

/** Reads and checks a cassette; a missing or malformed file is a `bad_request` naming it. */
export const readCassette = async (path: string): Promise<Cassette> => {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CadreError('bad_request', `cannot read cassette ${path}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new CadreError('bad_request', `${path}: not valid JSON: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const parsed = Cassette.safeParse(value)
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${where(issue.path)}: ${issue.message}`)
    const more = parsed.error.issues.length - problems.length
    throw new CadreError(
      'bad_request',
      `${path}: not a valid cassette: ${problems.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`,
      { details: { issues: parsed.error.issues } },
    )
  }
  return parsed.data
}

// `exchanges[3].response.status`: which exchange (counted from 0, as in the file) and which field.
const where = (path: PropertyKey[]) =>
  path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`))
    .join('') || 'the file'

export interface CassetteWriter {
  /** Adds an exchange and rewrites the file; resolves once it is on disk. */
  append(exchange: CassetteExchange): Promise<void>
  /** Resolves once every exchange appended so far is on disk. */
  flush(): Promise<void>
}

/**
 * Writes a cassette from scratch, then rewrites it whole after every exchange through a temporary
 * file and a rename, so an interrupted recording (Ctrl-C) leaves a complete, valid file.
 */
export const createCassetteWriter = async (path: string): Promise<CassetteWriter> => {
  const cassette: Cassette = { version: 1, exchanges: [] }
  const temporary = `${path}.${process.pid}.tmp`
  let queue = Promise.resolve()
  const save = () => {
    // One failed write (a full disk) must not stop the ones after it.
    queue = queue
      .catch(() => {})
      .then(async () => {
        await writeFile(temporary, `${JSON.stringify(cassette, null, 2)}\n`, { mode: 0o600 })
        await rename(temporary, path)
      })
    return queue
  }
  try {
    await save()
  } catch (error) {
    throw new CadreError('bad_request', `cannot write cassette ${path}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return {
    append(exchange) {
      cassette.exchanges.push(exchange)
      return save()
    },
    flush: () => queue.catch(() => {}),
  }
}
