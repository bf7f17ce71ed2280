import { z } from 'zod'

/** One piece of a streamed body as it arrived, as text (base64 only in recordings of older versions). */
export const CassetteChunk = z.union([
  z.strictObject({ atMs: z.number().min(0).describe('since the request was sent'), text: z.string() }),
  z.strictObject({ atMs: z.number().min(0), base64: z.string() }),
])
export type CassetteChunk = z.infer<typeof CassetteChunk>

// What Node's HTTP server will send: a token for the name, no control characters in the value.
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name')
const HeaderValue = z
  .string()
  .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'not a valid HTTP header value (control or non-Latin-1 character)')
// The replayer frames the body itself; a recorded framing header would contradict it.
const framingHeaders = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade'])
const ResponseHeaders = z.record(HeaderName, HeaderValue).superRefine((headers, ctx) => {
  for (const name of Object.keys(headers)) {
    if (framingHeaders.has(name.toLowerCase()))
      ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the replayer; remove it' })
  }
})

export const CassetteExchange = z.strictObject({
  request: z.strictObject({
    method: z.string(),
    /** Path and query, with every credential-named query parameter (`key=`, `access_token=` …) removed. */
    path: z.string(),
    /** Only headers known to be safe; credentials are never written. */
    headers: z.record(z.string(), z.string()),
    /** The JSON body (redacted), or its text when it is not JSON. */
    body: z.unknown().optional(),
  }),
  response: z.strictObject({
    status: z
      .int()
      .min(100, 'must be an HTTP status from 100 to 599')
      .max(599, 'must be an HTTP status from 100 to 599'),
    headers: ResponseHeaders,
    /** A server-sent event stream, chunk by chunk. */
    chunks: z.array(CassetteChunk).optional(),
    /** Any other body, whole. */
    body: z.string().optional(),
    /** Only in recordings of older versions, which kept binary bodies; they are now omitted. */
    bodyBase64: z.string().optional(),
    /** The upstream connection dropped before the body ended; replay drops it the same way. */
    cut: z.boolean().optional(),
    /** Why the body is not what was sent: a binary body omitted, or recording stopped at the size limit. */
    note: z.string().optional(),
  }),
})
export type CassetteExchange = z.infer<typeof CassetteExchange>

/** A recording of model traffic, replayed by `cadre sim replay`. */
export const Cassette = z.strictObject({
  version: z.literal(1),
  exchanges: z.array(CassetteExchange),
})
export type Cassette = z.infer<typeof Cassette>
