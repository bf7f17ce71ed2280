import { describe, expect, it } from 'vitest'
import { buildToolsToken } from '../builds/build-task-tools.ts'
import { environmentSecrets } from './environment-secrets.ts'
import { maskSecret } from './mask-secret.ts'
import { createRedactor, REDACTED } from './redactor.ts'

describe('redactor', () => {
  it('replaces every known value wherever it appears, longest first', () => {
    const redactor = createRedactor(['plain-random-value-1234', 'plain-random-value-1234-longer'])
    expect(redactor.redact('a plain-random-value-1234-longer b plain-random-value-1234.')).toBe(
      `a ${REDACTED} b ${REDACTED}.`,
    )
  })

  it('learns values later and ignores ones too short to be credentials', () => {
    const redactor = createRedactor()
    redactor.add('a+b(c)*d?e-regexp-chars')
    redactor.add('short')
    redactor.add(undefined)
    expect(redactor.redact('x a+b(c)*d?e-regexp-chars short')).toBe(`x ${REDACTED} short`)
    expect(redactor.longestSecret).toBe('a+b(c)*d?e-regexp-chars'.length)
  })

  it.each([
    ['Anthropic key', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345'],
    ['OpenAI key', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345'],
    ['GitHub token', 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['Google API key', 'AIzaSyA-abcdefghijklmnopqrstuvwxyz12345'],
    ['build task token', buildToolsToken('access-token-of-this-server', 'tsk_0123')],
    ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'],
  ])('catches an unknown %s by its shape', (_kind, token) => {
    const text = `before ${token} after`
    expect(createRedactor().redact(text)).toBe(`before ${REDACTED} after`)
  })

  it('keeps the word Bearer and removes the credential after it', () => {
    expect(createRedactor().redact('Authorization: Bearer abc.def-ghi_jkl~mno')).toBe(
      `Authorization: Bearer ${REDACTED}`,
    )
  })

  it('redacts every string of a JSON value, keys included, leaving the rest as is', () => {
    const secret = 'known-secret-value-42'
    const redactor = createRedactor([secret])
    expect(
      redactor.redactValue({ a: [`x ${secret}`, 3, null, true], [secret]: { nested: secret }, n: 1 }),
    ).toEqual({ a: [`x ${REDACTED}`, 3, null, true], [REDACTED]: { nested: REDACTED }, n: 1 })
  })

  it('leaves ordinary text alone', () => {
    const text = [
      'sk-short, skeleton, ask-me, the AKIA prefix, bearer of news, a path /tmp/x',
      'desk-booking-calendar-view-component.tsx, branch cadre/task-01JD8ZKABCDEFGHJKMNPQRSTVW',
      'risk-assessment-for-the-quarterly-report, mask-the-input-field-when-typing',
    ].join('\n')
    expect(createRedactor(['value-not-present-anywhere']).redact(text)).toBe(text)
  })

  it('catches a secret with quotes or backslashes as it appears inside JSON text', () => {
    const secret = 'pa"ss\\word-with-quotes'
    const json = JSON.stringify({ message: `failed with ${secret}` })
    expect(createRedactor([secret]).redact(json)).toBe(JSON.stringify({ message: `failed with ${REDACTED}` }))
  })
})

describe('environment secrets', () => {
  it('takes credential-named variables and passwords inside URLs', () => {
    expect(
      environmentSecrets({
        ANTHROPIC_API_KEY: 'sk-ant-key-1',
        GITHUB_TOKEN: 'ghp_token_22',
        CADRE_SECRET_KEY: 'base64/key+33',
        DB_PASSWORD: 'correct-horse-44',
        DATABASE_URL: 'postgres://cadre:p%40ss-word-55@db/cadre',
        HOME: '/root',
        TOKENIZERS_PARALLELISM: 'false',
        SSH_AUTH_SOCK: '/tmp/ssh/agent.1',
      }),
    ).toEqual([
      'sk-ant-key-1',
      'ghp_token_22',
      'base64/key+33',
      'correct-horse-44',
      'p%40ss-word-55',
      'p@ss-word-55',
    ])
  })

  it('ignores values that are plain words or too short to be credentials', () => {
    expect(
      environmentSecrets({
        LMSTUDIO_API_KEY: 'lm-studio',
        POSTGRES_PASSWORD: 'postgres',
        DATABASE_URL: 'postgres://postgres:postgres@localhost/cadre',
        SOME_TOKEN: 'averylongplainword',
      }),
    ).toEqual([])
  })
})

describe('masked secrets', () => {
  it('shows the kind and the last four characters only', () => {
    expect(maskSecret('sk-ant-api03-0123456789abcdefWXYZ')).toBe('sk-ant-••••WXYZ')
    expect(maskSecret('0123456789abcdef')).toBe('••••cdef')
    expect(maskSecret('short')).toBe('••••')
  })
})
