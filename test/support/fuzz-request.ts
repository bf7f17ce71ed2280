import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { type IdKind, type IdPools, idMarker } from './fuzz-id-pools.ts'
import type { RawRequest } from './fuzz-raw-request.ts'
import { type FieldValues, type JsonSchema, nastyString, shortNastyString } from './fuzz-schema-arbitrary.ts'

/** The part of the OpenAPI document the fuzz and the security suite read. */
export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie'
  name: string
  schema?: JsonSchema
}

export interface Operation {
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  /** By status: what the operation may answer. */
  responses?: Record<string, unknown>
  security?: unknown[]
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
}

/** A path segment: the id of something real of a kind, or junk, escaped or written raw. */
export type Segment = { kind: IdKind; pick: number } | { junk: string; raw: boolean }

/** Who the request says it is: the access token, or a task's own token for its git or tools endpoint. */
export type Credential = 'access' | 'git' | 'tools' | 'none'

/** One generated request, plain data so fast-check can print and shrink it; ids are chosen when sent. */
export interface FuzzRequest {
  method: string
  /** A documented path (`/api/tasks/{id}`) or another one the server answers outside the document. */
  template: string
  params: Record<string, Segment>
  query: [name: string, value: string, raw: boolean][]
  credential: Credential
  headers: Record<string, string>
  body?: string | { gzip: string } | { bytes: number[] }
}

// Methods Node's parser takes (one it does not know is refused by Node with a 400, before Cadre).
export const methods = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'PURGE',
]

/** A path parameter: the id of a real thing of the kind mostly, else junk, escaped or raw. */
export const segment = (kind: IdKind): fc.Arbitrary<Segment> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.nat().map((pick) => ({ kind, pick })) },
    { weight: 5, arbitrary: shortNastyString.map((junk) => ({ junk, raw: false })) },
    // Past Node's 16 KiB limit on a request's head: answered 431 by Node itself.
    { weight: 1, arbitrary: fc.constant({ junk: 'x'.repeat(17 * 1024), raw: false }) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('..', '%2e%2e', '%', '%zz', '%E0%A4%A', '%00', '%2F', 'a%2Fb', '.', '*', '%C0%AE%C0%AE')
        .map((junk) => ({ junk, raw: true })),
    },
  )

/** An id of the kind written into a body: real most of the time. */
export const idValue = (kind: IdKind): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary: fc.nat().map((pick) => idMarker(kind, pick)) }, nastyString)

/** Text that is not JSON, or is JSON no parser should take whole. */
export const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":',
    '[1,2',
    'undefined',
    "{'a':1}",
    '{"a":1}}',
    '\ufeff{}',
    '\u0000',
    'nul',
    '1e99999',
  ),
  fc.string({ maxLength: 40 }),
)

export const contentType = (type: string | undefined): Record<string, string> =>
  type === undefined ? {} : { 'content-type': type }

/** Any body at all, for a route that takes none, or a method it does not have. */
export const strayBody = fc.oneof(
  fc.constant({ body: undefined, contentType: undefined }),
  fc.jsonValue().map((value) => ({ body: JSON.stringify(value), contentType: 'application/json' })),
  fc.string().map((body) => ({ body, contentType: 'text/plain' })),
)

/** An id marker for body fields that name things, so bodies reach real projects, tasks and features. */
export const idFields: FieldValues = {
  projectId: idValue('project'),
  taskId: idValue('task'),
  threadId: idValue('thread'),
  featureId: idValue('feature'),
  ids: fc.array(idValue('feature'), { minLength: 1, maxLength: 6 }),
  dependsOn: fc.array(idValue('feature'), { maxLength: 3 }),
}

// Lone surrogates made well-formed first: encodeURIComponent throws on them.
const escapeText = (text: string) => encodeURIComponent(text.toWellFormed())

/** Escapes only what an HTTP request line cannot carry: `%` and the rest stay as written. */
const escapeUnsendable = (text: string) =>
  text.toWellFormed().replace(/[^\u0021-\u007e]|#/gu, (char) => encodeURIComponent(char))

/** Writes a path segment as sent: escaped, or raw with only what HTTP cannot carry escaped. */
const writeSegment = (segment: Segment, pools: IdPools) => {
  if ('kind' in segment) return pools.fill(idMarker(segment.kind, segment.pick))
  return segment.raw ? escapeUnsendable(segment.junk) : escapeText(segment.junk)
}

/** The request as it goes on the wire, with ids chosen now and the credential it asked for. */
export const toRawRequest = (
  request: FuzzRequest,
  pools: IdPools,
  tokens: { access: string; git(taskId: string): string; tools(taskId: string): string },
): RawRequest => {
  const values = Object.fromEntries(
    Object.entries(request.params).map(([name, segment]) => [name, writeSegment(segment, pools)]),
  )
  const path = request.template.replace(/\{(\w+)\}/g, (_whole, name: string) => values[name] ?? '')
  const query = request.query
    .map(([name, value, raw]) =>
      raw ? escapeUnsendable(`${name}=${value}`) : `${escapeText(name)}=${escapeText(value)}`,
    )
    .join('&')
  const taskId = values.taskId ?? ''
  const bearer = {
    access: tokens.access,
    git: tokens.git(taskId),
    tools: tokens.tools(taskId),
    none: undefined,
  }[request.credential]
  const body = request.body
  return {
    method: request.method,
    path: query ? `${path}?${query}` : path,
    headers: { ...request.headers, ...(bearer && { authorization: `Bearer ${bearer}` }) },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string'
          ? pools.fill(body)
          : 'gzip' in body
            ? gzipSync(body.gzip)
            : Uint8Array.from(body.bytes),
  }
}
