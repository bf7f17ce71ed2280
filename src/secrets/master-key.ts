import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CadreError } from '../core/errors.ts'
import { masterKeyBytes } from './secret-box.ts'

export interface MasterKey {
  key: Buffer
  /** Where it came from, for messages: the environment, the existing file, or a file made just now. */
  source: 'environment' | 'file' | 'generated'
}

export const masterKeyFile = (home: string): string => join(home, 'secret.key')

const decode = (text: string): Buffer | undefined => {
  const trimmed = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex')
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64')
    if (key.length === masterKeyBytes) return key
  }
  return undefined
}

const shape = `${masterKeyBytes} random bytes written as 64 hex characters or as base64 (e.g. the output of \`openssl rand -base64 32\`)`

/**
 * The master key that seals secrets at rest: CADRE_SECRET_KEY when set (needed when several
 * machines share one database), else `$CADRE_HOME/secret.key`, created owner-only on first start.
 */
export const loadMasterKey = (home: string, env: NodeJS.ProcessEnv = process.env): MasterKey => {
  const fromEnvironment = env.CADRE_SECRET_KEY
  if (fromEnvironment) {
    const key = decode(fromEnvironment)
    if (!key) throw new CadreError('bad_request', `invalid configuration: CADRE_SECRET_KEY must be ${shape}`)
    return { key, source: 'environment' }
  }
  const file = masterKeyFile(home)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CadreError('unavailable', `cannot read the master key ${file}: ${(error as Error).message}`)
    }
    const key = randomBytes(masterKeyBytes)
    try {
      writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    } catch (writeError) {
      // Another Cadre starting at the same moment made it first: use theirs.
      if ((writeError as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(home, env)
      throw new CadreError(
        'unavailable',
        `cannot create the master key ${file}: ${(writeError as Error).message}; or set CADRE_SECRET_KEY`,
      )
    }
    return { key, source: 'generated' }
  }
  const mode = statSync(file).mode & 0o777
  if (mode & 0o077) {
    throw new CadreError(
      'unavailable',
      `the master key ${file} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``,
    )
  }
  const key = decode(text)
  if (!key) throw new CadreError('unavailable', `the master key ${file} is damaged: it must hold ${shape}`)
  return { key, source: 'file' }
}
