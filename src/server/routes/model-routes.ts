import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ModelInfo } from '../../models/model-info.ts'
import { json } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const ModelListing = z.object({
  models: z.array(ModelInfo),
  providers: z
    .array(z.object({ name: z.string(), ok: z.boolean(), message: z.string().nullable() }))
    .describe('the configured providers asked for their own lists, and why one failed'),
})

export const modelRoutes = ({ models }: AppDeps) =>
  new OpenAPIHono({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'get',
      path: '/api/models',
      tags: ['models'],
      summary: "List models: Cadre's catalog merged with configured providers' own lists",
      description:
        'A model the catalog does not know still works when named as provider:model; its pricing is null.',
      responses: { 200: json(ModelListing, 'the models') },
    }),
    async (c) => c.json(await models.list(), 200),
  )
