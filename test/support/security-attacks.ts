import type { RawRequest } from './fuzz-raw-request.ts'
import type { OpenApiDocument } from './fuzz-request.ts'

/** One documented operation, its path filled with ids of things that exist. */
export interface Operation {
  /** e.g. `POST /api/tasks/{id}/cancel` */
  name: string
  method: string
  path: string
  /** Public by the document: `security: []`. */
  public: boolean
}

/** Ids to fill documented paths with, so a route that forgot its check would answer 200, not 404. */
export interface RealIds {
  project: string
  task: string
  webhook: string
  feature: string
  build: string
  connector: string
}

const idFor = (template: string, param: string, ids: RealIds): string => {
  if (param === 'name') return 'openai'
  if (param === 'approvalId') return 'call_1'
  if (param === 'deliveryId') return 'dlv_000000000000000'
  const collection = template.split('/')[2] ?? ''
  const byCollection: Record<string, string> = {
    projects: ids.project,
    tasks: ids.task,
    webhooks: ids.webhook,
    features: ids.feature,
    builds: ids.build,
    connectors: ids.connector,
  }
  return byCollection[collection] ?? ids.task
}

/** Every operation of the OpenAPI document, with real ids in its path. */
export const documentedOperations = (document: OpenApiDocument, ids: RealIds): Operation[] =>
  Object.entries(document.paths).flatMap(([template, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${template}`,
      method: method.toUpperCase(),
      path: template.replace(/\{(\w+)\}/g, (_whole, param: string) => idFor(template, param, ids)),
      public: operation.security?.length === 0,
    })),
  )

/** An attack: what it changes in an otherwise good request, and what the server must answer. */
export interface Attack {
  name: string
  /** Whether the server's documented public routes are refused too (Host and Origin are checked first). */
  refusesPublic: boolean
  /** What refuses it: 401 or 403 from Cadre, or 400 from Node's HTTP server itself (no Host). */
  statuses: number[]
  apply(request: RawRequest, port: number): RawRequest
}

const withHeaders = (request: RawRequest, headers: Record<string, string>, drop: string[] = []) => ({
  ...request,
  headers: Object.fromEntries(
    Object.entries({ ...request.headers, ...headers }).filter(([name]) => !drop.includes(name)),
  ),
})

/**
 * The ways in without the right to: no credential, wrong ones, and the right token sent from a
 * name this server does not go by (DNS rebinding) or from another site's page.
 */
export const attacks: Attack[] = [
  {
    name: 'no token',
    refusesPublic: false,
    statuses: [401],
    apply: (request) => withHeaders(request, {}, ['authorization']),
  },
  {
    name: 'a wrong token',
    refusesPublic: false,
    statuses: [401],
    apply: (request) => withHeaders(request, { authorization: 'Bearer wrong-token-0123456789abcdef' }),
  },
  {
    name: 'the token without "Bearer"',
    refusesPublic: false,
    statuses: [401],
    apply: (request) =>
      withHeaders(request, { authorization: request.headers?.authorization?.replace(/^Bearer /, '') ?? '' }),
  },
  {
    name: 'a forged session cookie',
    refusesPublic: false,
    statuses: [401],
    apply: (request) =>
      withHeaders(request, { cookie: 'cadre_session=forged-session-value' }, ['authorization']),
  },
  ...[
    'evil.example',
    'evil.example:{port}',
    '127.0.0.1.evil.example:{port}',
    'localhost.:{port}',
    '127.0.0.1:{other}',
  ].map(
    (host): Attack => ({
      name: `the token from Host "${host}"`,
      refusesPublic: true,
      statuses: [403],
      apply: (request, port) => ({
        ...request,
        host: host.replace('{port}', String(port)).replace('{other}', String(port + 1)),
      }),
    }),
  ),
  ...[
    { name: 'the token with no Host at all', host: false as const },
    { name: 'the token with an empty Host', host: '' },
  ].map(
    ({ name, host }): Attack => ({
      name,
      refusesPublic: true,
      // HTTP/1.1 requires a Host: Node answers 400 before Cadre sees the request.
      statuses: [400, 403],
      apply: (request) => ({ ...request, host }),
    }),
  ),
  ...[
    'https://evil.example',
    'null',
    'http://127.0.0.1:{port}.evil.example',
    'http://localhost:{port}@evil.example',
    'file://',
    'http://127.0.0.1:{other}',
  ].map(
    (origin): Attack => ({
      name: `the token from Origin "${origin}"`,
      refusesPublic: true,
      statuses: [403],
      apply: (request, port) =>
        withHeaders(request, {
          origin: origin.replace('{port}', String(port)).replace('{other}', String(port + 1)),
        }),
    }),
  ),
]
