import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CadreError } from '../core/errors.ts'
import { createSecretBox } from './secret-box.ts'

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32))

  it('opens what it sealed, and never seals the same value the same way twice', () => {
    const sealed = box.seal('sk-ant-api03-secret-value')
    expect(sealed).not.toContain('secret-value')
    expect(sealed).not.toBe(box.seal('sk-ant-api03-secret-value'))
    expect(box.open(sealed, 'key')).toBe('sk-ant-api03-secret-value')
    expect(box.open(box.seal(''), 'key')).toBe('')
    expect(box.open(box.seal('clé ✓'), 'key')).toBe('clé ✓')
  })

  it('says which master key a value needs when opened with another, never returning garbage', () => {
    const sealed = box.seal('value')
    const other = createSecretBox(randomBytes(32))
    const error = (() => {
      try {
        other.open(sealed, 'API key of provider anthropic')
      } catch (caught) {
        return caught as CadreError
      }
    })()
    expect(error).toBeInstanceOf(CadreError)
    expect(error?.message).toContain('API key of provider anthropic')
    expect(error?.message).toContain(`key id ${box.keyId}`)
    expect(error?.message).toContain('CADRE_SECRET_KEY')
  })

  it('refuses a value that was altered', () => {
    const parts = box.seal('value').split('.')
    const ciphertext = Buffer.from(parts[4] ?? '', 'base64url')
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1
    parts[4] = ciphertext.toString('base64url')
    expect(() => box.open(parts.join('.'), 'key')).toThrow(/integrity check/)
    expect(() => box.open('plain text', 'key')).toThrow(/not a sealed secret/)
    const truncated = box.seal('value').split('.')
    truncated[3] = Buffer.from(truncated[3] ?? '', 'base64url')
      .subarray(0, 4)
      .toString('base64url')
    expect(() => box.open(truncated.join('.'), 'key')).toThrow(/integrity check/)
  })
})
