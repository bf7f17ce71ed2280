import { z } from 'zod'

/**
 * What an injected fault does: answer 429 (with retry-after), 500 or overloaded (Anthropic's 529,
 * the others' 503); send part of the real reply, then drop the connection; or hold the headers
 * back a while, then answer normally.
 */
export const SimFaultKind = z.enum(['rate_limit', 'server_error', 'overloaded', 'cut', 'slow'])
export type SimFaultKind = z.infer<typeof SimFaultKind>

/** Faults injected into a seeded fraction of model calls, whatever the scenario answers. */
export const SimFaults = z.strictObject({
  rate: z.number().min(0).max(1).describe('the fraction of model calls that fail, from 0 to 1'),
  seed: z
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional()
    .describe('the same seed fails the same calls of a sequence; a random one without it'),
  kinds: z
    .array(SimFaultKind)
    .min(1)
    .default([...SimFaultKind.options])
    .describe('chosen among evenly; all of them by default'),
  slowMs: z.number().min(0).default(3000).describe('how long a slow call holds its headers back'),
  retryAfterSeconds: z.number().min(0).default(1).describe('what a rate limit asks the client to wait'),
})
export type SimFaultsInput = z.input<typeof SimFaults>
export type SimFaults = z.output<typeof SimFaults>
