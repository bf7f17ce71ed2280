import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMasterKey, masterKeyFile } from './master-key.ts'

const freshHome = () => mkdtempSync(join(tmpdir(), 'cadre-key-'))

describe('master key', () => {
  it('takes CADRE_SECRET_KEY as hex or base64', () => {
    const key = randomBytes(32)
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      expect(loadMasterKey(freshHome(), { CADRE_SECRET_KEY: text })).toEqual({ key, source: 'environment' })
    }
  })

  it('refuses a CADRE_SECRET_KEY that is not 32 bytes, saying what it must be', () => {
    for (const text of ['short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64')]) {
      expect(() => loadMasterKey(freshHome(), { CADRE_SECRET_KEY: text })).toThrow(
        /CADRE_SECRET_KEY must be 32 random bytes.*openssl rand -base64 32/,
      )
    }
  })

  it('generates an owner-only key file once, then reads it back', () => {
    const home = freshHome()
    const first = loadMasterKey(home, {})
    expect(first.source).toBe('generated')
    expect(statSync(masterKeyFile(home)).mode & 0o777).toBe(0o600)
    expect(loadMasterKey(home, {})).toEqual({ key: first.key, source: 'file' })
  })

  it('says what to do when the key file cannot be created', () => {
    const home = freshHome()
    execFileSync('chattr', ['+i', home]) // immutable: even root cannot create a file in it
    try {
      expect(() => loadMasterKey(home, {})).toThrow(
        new RegExp(`^cannot create the master key ${masterKeyFile(home)}: .*; or set CADRE_SECRET_KEY$`),
      )
    } finally {
      execFileSync('chattr', ['-i', home])
    }
  })

  it('refuses a key file others can read, or one that is damaged', () => {
    const home = freshHome()
    loadMasterKey(home, {})
    chmodSync(masterKeyFile(home), 0o644)
    expect(() => loadMasterKey(home, {})).toThrow(/readable by other users.*chmod 600/)
    chmodSync(masterKeyFile(home), 0o600)
    writeFileSync(masterKeyFile(home), readFileSync(masterKeyFile(home), 'utf8').slice(0, 20))
    expect(() => loadMasterKey(home, {})).toThrow(/is damaged/)
  })
})
