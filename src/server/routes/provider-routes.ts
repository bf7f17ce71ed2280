import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ProviderChange, ProviderCheck, ProviderView } from '../../models/provider-config.ts'
import { viewProvider } from '../../models/provider-registry.ts'
import { errors, json, jsonBody } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['models']
const NameParam = z.object({
  name: z.string().min(1).max(40).describe('the provider, e.g. anthropic or ollama'),
})

export const providerRoutes = ({ providers, models }: AppDeps) =>
  new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/providers',
        tags,
        summary: 'List model providers: built-in ones and those added, keys masked',
        responses: { 200: json(z.object({ providers: z.array(ProviderView) }), 'every provider') },
      }),
      async (c) => c.json({ providers: (await providers.list()).map(viewProvider) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/providers/{name}',
        tags,
        summary: "Get a provider's configuration, key masked",
        request: { params: NameParam },
        responses: { 200: json(ProviderView, 'the provider'), 404: errors[404] },
      }),
      async (c) => c.json(viewProvider(await providers.get(c.req.valid('param').name)), 200),
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/api/providers/{name}',
        tags,
        summary: 'Configure a provider (a new name adds an OpenAI-compatible or other provider)',
        description:
          'Stored settings take precedence over environment variables. The API key is stored encrypted ' +
          'and never shown again in full.',
        request: { params: NameParam, body: jsonBody(ProviderChange) },
        responses: { 200: json(ProviderView, 'the provider as now configured'), 400: errors[400] },
      }),
      async (c) =>
        c.json(viewProvider(await providers.change(c.req.valid('param').name, c.req.valid('json'))), 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/api/providers/{name}',
        tags,
        summary: 'Forget what Cadre stores for a provider (a built-in one falls back to the environment)',
        request: { params: NameParam },
        responses: { 204: { description: 'forgotten' }, 404: errors[404] },
      }),
      async (c) => {
        await providers.remove(c.req.valid('param').name)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/providers/{name}/check',
        tags,
        summary: 'Verify the endpoint and key with one cheap real call',
        description:
          'Answers 200 either way; `ok: false` with `problem` and a message saying exactly what failed.',
        request: { params: NameParam },
        responses: { 200: json(ProviderCheck, 'the outcome'), 404: errors[404] },
      }),
      async (c) => c.json(await models.check(c.req.valid('param').name), 200),
    )
