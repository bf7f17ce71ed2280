import { z } from 'zod'

/** One piece of a streamed body as it arrived: text when the body is UTF-8, base64 otherwise. */
export const CassetteChunk = z.union([
  z.strictObject({ atMs: z.number().min(0).describe('since the request was sent'), text: z.string() }),
  z.strictObject({ atMs: z.number().min(0), base64: z.string() }),
])
export type CassetteChunk = z.infer<typeof CassetteChunk>

export const CassetteExchange = z.strictObject({
  request: z.strictObject({
    method: z.string(),
    /** Path and query, with any `key=` query parameter removed. */
    path: z.string(),
    /** Only headers known to be safe; credentials are never written. */
    headers: z.record(z.string(), z.string()),
    /** The JSON body (redacted), or its text when it is not JSON. */
    body: z.unknown().optional(),
  }),
  response: z.strictObject({
    status: z.int(),
    headers: z.record(z.string(), z.string()),
    /** A server-sent event stream, chunk by chunk. */
    chunks: z.array(CassetteChunk).optional(),
    /** Any other body, whole. */
    body: z.string().optional(),
    bodyBase64: z.string().optional(),
    /** The upstream connection dropped before the body ended; replay drops it the same way. */
    cut: z.boolean().optional(),
  }),
})
export type CassetteExchange = z.infer<typeof CassetteExchange>

/** A recording of model traffic, replayed by `cadre sim replay`. */
export const Cassette = z.strictObject({
  version: z.literal(1),
  exchanges: z.array(CassetteExchange),
})
export type Cassette = z.infer<typeof Cassette>
