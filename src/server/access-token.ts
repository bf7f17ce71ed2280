import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CadreError } from '../core/errors.ts'

export const tokenFile = (home: string): string => join(home, 'token')

/**
 * The access token: CADRE_TOKEN when set, else the one in $CADRE_HOME/token, generated there once
 * with mode 0600 (and put back to 0600 if it was loosened).
 */
export const loadOrCreateToken = (home: string, fromEnvironment?: string): string => {
  if (fromEnvironment) return fromEnvironment
  const file = tokenFile(home)
  try {
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
    const token = readFileSync(file, 'utf8').trim()
    if (token.length < 16) throw new Error('it holds fewer than 16 characters; delete it to get a new one')
    return token
  } catch (error) {
    throw new CadreError(
      'unavailable',
      `cannot use the access token file ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
}

/** The token as a file would hold it, for clients: undefined when there is none. */
export const readToken = (home: string): string | undefined => {
  try {
    return readFileSync(tokenFile(home), 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}
