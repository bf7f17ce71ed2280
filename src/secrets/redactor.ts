/** What a redacted secret is replaced with, everywhere. */
export const REDACTED = '[redacted]'

/** Values shorter than this are never treated as secrets: redacting "abc" everywhere would mangle text. */
const MIN_SECRET_LENGTH = 8

// Token shapes worth catching even when Cadre was never told the value. Each must start a word:
// the `sk-` inside `task-…` or `desk-…` is not a key.
const startsWord = '(?<![A-Za-z0-9])'
const TOKEN_PATTERNS = [
  /sk-ant-[A-Za-z0-9_-]{16,}/, // Anthropic
  /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/, // OpenAI and compatibles
  /gh[pousr]_[A-Za-z0-9]{30,}/, // GitHub tokens
  /github_pat_[A-Za-z0-9_]{30,}/, // GitHub fine-grained tokens
  /(?:AKIA|ASIA)[A-Z0-9]{16}/, // AWS access key ids
  /AIza[0-9A-Za-z_-]{35}/, // Google API keys
  /xox[abprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /cadre_bt_[A-Za-z0-9_-]{43}/, // a build task's token for its feature tools
  /(?<=[Bb]earer\s+)[A-Za-z0-9._~+/=-]{12,}/, // the credential of a bearer header
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z]+ )?PRIVATE KEY-----/,
]

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Replaces every known secret value and every token-shaped string with `[redacted]`. */
export interface Redactor {
  /** Makes one more value secret from now on (ignored when too short to be a credential). */
  add(value: string | undefined): void
  /** The text with every secret replaced. */
  redact(text: string): string
  /** A deep copy of a JSON-like value with every string (keys too) redacted; other values untouched. */
  redactValue<T>(value: T): T
  /** The longest known secret, so stream redaction knows how much text to hold back. */
  readonly longestSecret: number
}

export const createRedactor = (values: Iterable<string | undefined> = []): Redactor => {
  const known = new Set<string>()
  let matcher = buildMatcher(known)
  let longestSecret = 0

  const redact = (text: string) => (text.length === 0 ? text : text.replace(matcher, REDACTED))

  const redactValue = <T>(value: T): T => {
    if (typeof value === 'string') return redact(value) as T
    if (Array.isArray(value)) return value.map(redactValue) as T
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(
        Object.entries(value).map(([key, entry]) => [redact(key), redactValue(entry)]),
      ) as T
    }
    return value
  }

  const redactor: Redactor = {
    add(value) {
      const trimmed = value?.trim()
      if (!trimmed || trimmed.length < MIN_SECRET_LENGTH || known.has(trimmed)) return
      // As it appears inside JSON text too (logs and answers are redacted as serialized JSON).
      const escaped = JSON.stringify(trimmed).slice(1, -1)
      for (const form of new Set([trimmed, escaped])) known.add(form)
      longestSecret = Math.max(longestSecret, escaped.length)
      matcher = buildMatcher(known)
    },
    redact,
    redactValue,
    get longestSecret() {
      return longestSecret
    },
  }
  for (const value of values) redactor.add(value)
  return redactor
}

// Longest values first, so a secret that contains another is replaced whole.
const buildMatcher = (known: Set<string>) => {
  const literals = [...known].sort((a, b) => b.length - a.length).map(escapeRegExp)
  const shapes = TOKEN_PATTERNS.map((pattern) =>
    pattern.source.startsWith('(?<=') || pattern.source.startsWith('-----')
      ? pattern.source
      : startsWord + pattern.source,
  )
  const sources = [...literals, ...shapes]
  return new RegExp(sources.join('|'), 'g')
}
