import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { html } from 'hono/html'
import { z } from 'zod'
import {
  authorizeConnector,
  connectorAuthorized,
  finishAuthorization,
  oauthCallbackPath,
} from '../../connectors/connector-oauth.ts'
import { connectorSpec, connectServer, usableSpec } from '../../connectors/connector-tools.ts'
import { Connector, ConnectorName } from '../../core/connectors.ts'
import { CadreError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type { StoredConnector } from '../../store/store.ts'
import { errors, IdParam, json, jsonBody, PlainHttpUrl } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { ErrorBody, validationHook } from '../error-responses.ts'

const tags = ['connectors']

const Secrets = z.record(z.string().min(1).max(200), z.string().max(10_000))

const ConnectorFieldsInput = z.object({
  name: ConnectorName,
  transport: z.enum(['stdio', 'http']),
  command: z.string().min(1).max(2000).optional().describe('stdio: the program to start'),
  args: z.array(z.string().max(10_000)).max(100).default([]),
  env: Secrets.optional().describe('stdio: its environment (kept sealed; values never shown again)'),
  url: PlainHttpUrl('send them in headers, which are kept sealed')
    .optional()
    .describe('http: its Streamable HTTP endpoint'),
  headers: Secrets.optional().describe(
    'http: headers sent with every request, e.g. Authorization (kept sealed)',
  ),
  oauth: z
    .boolean()
    .optional()
    .describe(
      'http: it signs in with OAuth; POST /api/connectors/{id}/authorize then gives the link to allow Cadre',
    ),
})

const NewConnector = ConnectorFieldsInput.extend({
  projectId: z.string().min(1).optional().describe("one project's agents; absent: every project's"),
})

const ConnectorPatch = ConnectorFieldsInput.partial().extend({ enabled: z.boolean().optional() })

const CheckResult = z.object({
  ok: z.boolean(),
  tools: z.array(z.object({ name: z.string(), description: z.string().optional() })).optional(),
  error: z.string().optional().describe('why it could not be started or reached'),
})

/** A connector as the API shows it: the names of its variables and headers, never their values. */
const shown = (connector: StoredConnector, box: AppDeps['box']): Connector => {
  const spec = connectorSpec(connector, box)
  const { sealedEnv: _env, sealedHeaders: _headers, sealedOauth, ...rest } = connector
  return {
    ...rest,
    envNames: spec.transport === 'stdio' ? Object.keys(spec.env ?? {}) : [],
    headerNames: spec.transport === 'http' ? Object.keys(spec.headers ?? {}) : [],
    oauth: sealedOauth === null ? null : { authorized: connectorAuthorized({ box }, connector) },
  }
}

const refuseIncomplete = (
  transport: string,
  fields: { command?: string | null; url?: string | null; oauth?: boolean },
) => {
  if (transport === 'stdio' && !fields.command)
    throw new CadreError('bad_request', 'a stdio connector needs the command that starts it')
  if (transport === 'stdio' && fields.oauth)
    throw new CadreError('bad_request', 'only an http connector signs in with OAuth')
  if (transport === 'http' && !fields.url)
    throw new CadreError('bad_request', 'an http connector needs its url')
}

/** MCP servers given to agents: per project or global, with a check that starts one and lists its tools. */
export const connectorRoutes = (deps: AppDeps) => {
  const seal = (values: Record<string, string> | undefined) => {
    if (!values || Object.keys(values).length === 0) return null
    for (const value of Object.values(values)) deps.redactor.add(value)
    return deps.box.seal(JSON.stringify(values))
  }
  const found = async (id: string) => {
    const connector = await deps.store.connectors.get(id)
    if (!connector) throw notFound('connector', id)
    return connector
  }
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/connectors',
        tags,
        summary: 'Give agents an MCP server: a command (stdio) or a URL (Streamable HTTP)',
        request: { body: jsonBody(NewConnector) },
        responses: { 201: json(Connector, 'the connector'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => {
        const input = c.req.valid('json')
        refuseIncomplete(input.transport, input)
        if (input.projectId && !(await deps.store.projects.get(input.projectId)))
          throw notFound('project', input.projectId)
        const connector = await deps.store.connectors.create({
          id: newId('connector'),
          projectId: input.projectId ?? null,
          name: input.name,
          transport: input.transport,
          command: input.command ?? null,
          args: input.args,
          url: input.url ?? null,
          sealedEnv: seal(input.env),
          sealedHeaders: seal(input.headers),
          sealedOauth: input.oauth ? deps.box.seal('{}') : null,
        })
        return c.json(shown(connector, deps.box), 201)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/connectors',
        tags,
        summary: "Connectors: all, or a project's own",
        request: { query: z.object({ projectId: z.string().min(1).optional() }) },
        responses: { 200: json(z.object({ connectors: z.array(Connector) }), 'oldest first') },
      }),
      async (c) =>
        c.json(
          {
            connectors: (await deps.store.connectors.list(c.req.valid('query'))).map((each) =>
              shown(each, deps.box),
            ),
          },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/api/connectors/{id}',
        tags,
        summary: 'Change a connector, or switch it off and on',
        request: { params: IdParam, body: jsonBody(ConnectorPatch) },
        responses: { 200: json(Connector, 'the connector'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const current = await found(id)
        const { env, headers, oauth, ...change } = c.req.valid('json')
        refuseIncomplete(change.transport ?? current.transport, {
          command: change.command ?? current.command,
          url: change.url ?? current.url,
          oauth: oauth ?? current.sealedOauth !== null,
        })
        // Switching OAuth on starts it afresh; a new URL is another server, whose sign-in is its own.
        const freshOauth =
          oauth === false
            ? null
            : oauth ||
                (current.sealedOauth !== null && change.url !== undefined && change.url !== current.url)
              ? deps.box.seal('{}')
              : undefined
        const updated = await deps.store.connectors.update(id, {
          ...change,
          ...(env && { sealedEnv: seal(env) }),
          ...(headers && { sealedHeaders: seal(headers) }),
          ...(freshOauth !== undefined && { sealedOauth: freshOauth }),
        })
        return c.json(shown(updated!, deps.box), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/api/connectors/{id}',
        tags,
        summary: 'Remove a connector',
        request: { params: IdParam },
        responses: { 200: json(z.object({ deleted: z.literal(true) }), 'deleted'), 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        if (!(await deps.store.connectors.delete(id))) throw notFound('connector', id)
        return c.json({ deleted: true as const }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/connectors/{id}/check',
        tags,
        summary: 'Start (or reach) the connector and list its tools, as an agent would',
        request: { params: IdParam },
        responses: { 200: json(CheckResult, 'its tools, or why it cannot be used'), 404: errors[404] },
      }),
      async (c) => {
        const connector = await found(c.req.valid('param').id)
        try {
          const spec = await usableSpec(deps, connector)
          if (!spec) {
            return c.json(
              {
                ok: false,
                error: `connector ${connector.name} signs in with OAuth and is not authorized: POST /api/connectors/${connector.id}/authorize`,
              },
              200,
            )
          }
          const { client, tools } = await connectServer(spec)
          await client.close()
          return c.json(
            { ok: true, tools: tools.map(({ name, description }) => ({ name, description })) },
            200,
          )
        } catch (error) {
          return c.json({ ok: false, error: (error as Error).message }, 200)
        }
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/connectors/{id}/authorize',
        tags,
        summary:
          'Sign an OAuth connector in: its tokens are good (or refreshed), or the link a person opens to allow Cadre',
        request: { params: IdParam },
        responses: {
          200: json(
            z.object({
              authorized: z.boolean(),
              authorizationUrl: z
                .string()
                .optional()
                .describe(
                  'open it in a browser and allow Cadre; the authorization server sends you back to Cadre',
                ),
            }),
            'authorized, or where to authorize',
          ),
          400: errors[400],
          404: errors[404],
          503: json(ErrorBody, "the connector's server or its authorization server cannot be reached"),
        },
      }),
      async (c) => {
        const connector = await found(c.req.valid('param').id)
        const callback = `${new URL(c.req.url).origin}${oauthCallbackPath}`
        return c.json(await authorizeConnector(deps, connector, callback), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: oauthCallbackPath,
        tags,
        summary:
          "Where the authorization server sends a person back: the code traded for the connector's tokens (a page, not JSON)",
        security: [],
        request: {
          query: z.object({
            code: z.string().optional(),
            state: z.string().optional(),
            error: z.string().optional(),
            error_description: z.string().optional(),
          }),
        },
        responses: {
          200: { description: 'a page saying the connector is authorized' },
          400: { description: 'a page saying why it is not' },
        },
      }),
      async (c) => {
        try {
          const connector = await finishAuthorization(deps, c.req.valid('query'))
          return c.html(
            callbackPage(
              `Connector ${connector.name} is authorized`,
              'Its agents can use it now. You can close this tab.',
            ),
            200,
          )
        } catch (error) {
          const message =
            error instanceof CadreError ? error.message : 'the authorization could not be finished'
          return c.html(callbackPage('Not authorized', message), 400)
        }
      },
    )
}

/** The small page a person lands on after authorizing a connector (its text escaped by hono's html). */
const callbackPage = (title: string, text: string) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cadre: ${title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; line-height: 1.5">
<h1>${title}</h1><p>${text}</p><p><a href="/settings">Back to Cadre's settings</a></p>
</body></html>`
