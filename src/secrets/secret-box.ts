import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import { CadreError } from '../core/errors.ts'

/** Encrypts and decrypts secrets at rest with one master key. */
export interface SecretBox {
  /** A short fingerprint of the master key, stored with every sealed value. */
  readonly keyId: string
  /** Seals a value: AES-256-GCM, a fresh 96-bit IV each time, authenticated. */
  seal(plaintext: string): string
  /** Opens a sealed value; a value sealed with another key, or altered, is a clear error, never garbage. */
  open(sealed: string, what: string): string
}

const format = 'v1'
export const masterKeyBytes = 32
const ivBytes = 12
const tagBytes = 16

// The id is an HMAC, not a hash of the key: it names the key without helping anyone guess it.
const keyIdOf = (key: Buffer) =>
  createHmac('sha256', key).update('cadre master key id').digest('hex').slice(0, 8)

export const createSecretBox = (key: Buffer): SecretBox => {
  if (key.length !== masterKeyBytes) throw new Error(`a master key is ${masterKeyBytes} bytes`)
  const keyId = keyIdOf(key)
  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(ivBytes)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(keyId))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))
      return [format, keyId, ...parts].join('.')
    },
    open(sealed, what) {
      const [version, sealedWith, iv, tag, ciphertext] = sealed.split('.')
      if (version !== format || !sealedWith || iv === undefined || !tag || ciphertext === undefined) {
        throw new CadreError('unavailable', `the stored ${what} is not a sealed secret Cadre can read`)
      }
      if (sealedWith !== keyId) {
        throw new CadreError(
          'unavailable',
          `the stored ${what} was encrypted with another master key (key id ${sealedWith}; the current ` +
            `key's id is ${keyId}). Set CADRE_SECRET_KEY to the key it was stored with, or restore that ` +
            'secret.key in CADRE_HOME.',
        )
      }
      const ivBuffer = Buffer.from(iv, 'base64url')
      const tagBuffer = Buffer.from(tag, 'base64url')
      try {
        // A shortened tag would make forging cheap: only the full 16 bytes are accepted.
        if (ivBuffer.length !== ivBytes || tagBuffer.length !== tagBytes)
          throw new Error('bad IV or tag length')
        const decipher = createDecipheriv('aes-256-gcm', key, ivBuffer, { authTagLength: tagBytes })
        decipher.setAAD(Buffer.from(keyId))
        decipher.setAuthTag(tagBuffer)
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]).toString('utf8')
      } catch (error) {
        throw new CadreError(
          'unavailable',
          `the stored ${what} failed its integrity check: it was altered or damaged. Store it again.`,
          { cause: error },
        )
      }
    },
  }
}
