import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { GlobalSettings, patchSettings, SettingsPatch } from '../../core/settings.ts'
import { errors, json, jsonBody } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['settings']

export const settingsRoutes = ({ store }: AppDeps) =>
  new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/settings',
        tags,
        summary: 'Get the global settings',
        responses: { 200: json(GlobalSettings, 'the global settings, defaults filled in') },
      }),
      async (c) => c.json(await store.settings.get(), 200),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/api/settings',
        tags,
        summary: 'Change global settings',
        request: { body: jsonBody(SettingsPatch) },
        responses: { 200: json(GlobalSettings, 'the changed settings'), 400: errors[400] },
      }),
      async (c) => {
        // One transaction, so two concurrent patches cannot drop each other's keys.
        const settings = await store.transaction(async (session) =>
          session.settings.put(
            patchSettings(GlobalSettings, await session.settings.get(), c.req.valid('json')),
          ),
        )
        return c.json(settings, 200)
      },
    )
