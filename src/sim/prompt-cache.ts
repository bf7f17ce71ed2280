import { createHash } from 'node:crypto'
import { estimateTokens } from './estimate-usage.ts'
import type { SimUsage } from './sim-reply.ts'
import type { SimRequest } from './sim-request.ts'

/** How long a cached prefix lives after its last use, as Anthropic's default cache does. */
const ttlMs = 5 * 60_000
const maxEntries = 10_000

/**
 * The simulator's prompt cache, so clients' caching can be measured: each prefix a client marked
 * as a cache breakpoint (Anthropic `cache_control`) is remembered; a later request whose marked
 * prefix was seen reads it from the cache, and the rest up to its longest breakpoint is written.
 * (Usage a scenario gives exactly is not passed through it.)
 */
export const createPromptCache = () => {
  const expiries = new Map<string, number>()

  const forget = (now: number) => {
    for (const [key, expiry] of expiries) if (expiry <= now) expiries.delete(key)
    // Still full of live entries: the oldest go first (a Map keeps insertion order).
    for (const key of expiries.keys()) {
      if (expiries.size <= maxEntries) break
      expiries.delete(key)
    }
  }

  return {
    account(request: SimRequest, usage: SimUsage): SimUsage {
      const prefixes = request.cachePrefixes ?? []
      if (prefixes.length === 0) return usage
      const now = Date.now()
      let read = 0
      let longest = 0
      for (const prefix of prefixes) {
        const tokens = estimateTokens(prefix)
        const key = createHash('sha256').update(prefix).digest('base64url')
        if ((expiries.get(key) ?? 0) > now) read = Math.max(read, tokens)
        longest = Math.max(longest, tokens)
        expiries.delete(key) // re-inserted last: the most recently used
        expiries.set(key, now + ttlMs)
      }
      if (expiries.size > maxEntries) forget(now)
      // The prefixes are measured on the request as sent (JSON), the estimated input on its text:
      // the input counts at least the longest marked prefix.
      return {
        ...usage,
        inputTokens: Math.max(usage.inputTokens, longest),
        cachedInputTokens: read,
        cacheWriteTokens: longest - read,
      }
    },
  }
}
