import fc from 'fast-check'
import { gitRequest, mcpRequest, strayRequest } from './fuzz-endpoint-requests.ts'
import type { IdKind } from './fuzz-id-pools.ts'
import {
  contentType,
  type FuzzRequest,
  malformedJson,
  methods,
  type OpenApiDocument,
  type Operation,
  type Segment,
  segment,
  strayBody,
} from './fuzz-request.ts'
import {
  type FieldValues,
  type JsonSchema,
  schemaArbitrary,
  shortNastyString,
} from './fuzz-schema-arbitrary.ts'

/** What a path parameter of a route names, from the parameter and the route's first segment. */
const kindOf = (template: string, name: string): IdKind => {
  if (name === 'name') return 'provider'
  if (name === 'deliveryId') return 'delivery'
  if (name === 'approvalId') return 'approval'
  if (name === 'taskId') return 'task'
  const collection = template.split('/').find((part) => part !== '' && part !== 'api') ?? ''
  const kinds: Record<string, IdKind> = {
    projects: 'project',
    tasks: 'task',
    webhooks: 'webhook',
    features: 'feature',
    builds: 'build',
    connectors: 'connector',
  }
  return kinds[collection] ?? 'task'
}

/** A JSON text with an own `__proto__` (or constructor.prototype) key, which JSON.parse keeps. */
const polluted = (json: string) =>
  json.startsWith('{')
    ? `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}${json === '{}' ? '' : ','}${json.slice(1)}`
    : json

const contentTypes = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/json; charset=latin1',
)

/** The body of a route that takes JSON: mostly the shape its schema asks for, else anything. */
const jsonBody = (schema: JsonSchema, fields: FieldValues) => {
  const shaped = schemaArbitrary(schema, { fields }).map((value) => JSON.stringify(value) ?? 'null')
  const whole = schemaArbitrary(schema, { fields, strict: true }).map((value) => JSON.stringify(value))
  return fc.oneof(
    { weight: 8, arbitrary: whole.map((body) => ({ body, contentType: 'application/json' })) },
    { weight: 8, arbitrary: shaped.map((body) => ({ body, contentType: 'application/json' })) },
    {
      weight: 2,
      arbitrary: shaped.map((body) => ({ body: polluted(body), contentType: 'application/json' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .jsonValue()
        .map((value) => ({ body: JSON.stringify(value), contentType: 'application/json' })),
    },
    { weight: 2, arbitrary: malformedJson.map((body) => ({ body, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.record({ body: shaped, contentType: contentTypes }) },
    { weight: 1, arbitrary: fc.constant({ body: undefined, contentType: 'application/json' }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(64 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024).map((size) => ({
        body: JSON.stringify({ text: 'h'.repeat(size) }),
        contentType: 'application/json',
      })),
    },
  )
}

/** Requests to one documented operation (its own method mostly, another one now and then). */
const operationRequest = (
  template: string,
  method: string,
  operation: Operation,
  fields: FieldValues,
): fc.Arbitrary<FuzzRequest> => {
  const parameters = operation.parameters ?? []
  const params = fc.record(
    Object.fromEntries(
      parameters.filter((p) => p.in === 'path').map((p) => [p.name, segment(kindOf(template, p.name))]),
    ) as Record<string, fc.Arbitrary<Segment>>,
  )
  const declared = parameters.filter((p) => p.in === 'query')
  const query = fc
    .tuple(
      ...declared.map((p) =>
        fc.option(
          fc.tuple(
            fc.constant(p.name),
            (fields[p.name] ?? schemaArbitrary(p.schema ?? {}, { fields })).map((value) =>
              typeof value === 'string' ? value : (JSON.stringify(value) ?? ''),
            ),
            fc.boolean(),
          ),
          { freq: 2 },
        ),
      ),
      fc.array(fc.tuple(shortNastyString, shortNastyString, fc.boolean()), { maxLength: 2 }),
    )
    .map((all) => {
      const named = all.slice(0, -1) as ([string, string, boolean] | null)[]
      const extra = all.at(-1) as [string, string, boolean][]
      return [...named.filter((each) => each !== null), ...extra]
    })
  const schema = operation.requestBody?.content['application/json']?.schema
  const body = schema ? jsonBody(schema, fields) : strayBody
  return fc
    .record({
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant(method.toUpperCase()) },
        fc.constantFrom(...methods),
      ),
      params,
      query,
      body,
    })
    .map(({ method, params, query, body }) => ({
      method,
      template,
      params,
      query,
      credential: 'access' as const,
      headers: contentType(body.contentType),
      ...(body.body !== undefined && { body: body.body }),
    }))
}

/**
 * Requests to every operation of the OpenAPI document, the MCP and git endpoints and stray paths:
 * a route added to the document is fuzzed without touching this file.
 */
export const apiRequests = (
  document: OpenApiDocument,
  fields: FieldValues,
  bodies: Record<string, JsonSchema> = {},
): fc.Arbitrary<FuzzRequest> => {
  const operations = Object.entries(document.paths).flatMap(([template, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => {
      const body = bodies[`${method.toUpperCase()} ${template}`]
      const sharper = body
        ? { ...operation, requestBody: { content: { 'application/json': { schema: body } } } }
        : operation
      return operationRequest(template, method, operation.requestBody ? sharper : operation, fields)
    }),
  )
  return fc.oneof(
    { weight: 40, arbitrary: fc.oneof(...operations) },
    { weight: 2, arbitrary: gitRequest },
    { weight: 2, arbitrary: mcpRequest },
    { weight: 2, arbitrary: strayRequest },
  )
}
