import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Project } from '../../core/entities.ts'
import { CadreError, notFound } from '../../core/errors.ts'
import { ProjectSettings, patchSettings, SettingsPatch } from '../../core/settings.ts'
import { RegisterProjectInput, registerProject } from '../../projects/register-project.ts'
import { templates } from '../../projects/templates.ts'
import { errors, IdParam, json, jsonBody, ProjectList } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['projects']

const ProjectPatch = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  settings: SettingsPatch.optional().describe(
    'keys to change; objects merge, null resets a key to its default',
  ),
})

const busyStatuses = ['queued', 'running', 'needs_input'] as const

export const projectRoutes = ({ store }: AppDeps) => {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/projects',
        tags,
        summary: 'Register a local git repository, or make a new one from a template',
        request: { body: jsonBody(RegisterProjectInput) },
        responses: { 201: json(Project, 'the new project'), 400: errors[400], 409: errors[409] },
      }),
      async (c) => c.json(await registerProject(store, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/templates',
        tags,
        summary: 'The project templates a new project can start from (POST /api/projects {template, path})',
        responses: {
          200: json(
            z.object({
              templates: z.array(
                z.object({ name: z.string(), description: z.string(), settings: ProjectSettings.partial() }),
              ),
            }),
            'every template',
          ),
        },
      }),
      (c) => c.json({ templates: templates.map((template) => ({ ...template })) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/projects',
        tags,
        summary: 'List projects',
        responses: { 200: json(ProjectList, 'every project, oldest first') },
      }),
      async (c) => c.json({ projects: await store.projects.list() }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/projects/{id}',
        tags,
        summary: 'Get a project with its settings',
        request: { params: IdParam },
        responses: { 200: json(Project, 'the project'), 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const project = await store.projects.get(id)
        if (!project) throw notFound('project', id)
        return c.json(project, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/api/projects/{id}',
        tags,
        summary: 'Rename a project or change its settings',
        request: { params: IdParam, body: jsonBody(ProjectPatch) },
        responses: { 200: json(Project, 'the changed project'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const patch = c.req.valid('json')
        // One transaction, so two concurrent patches cannot drop each other's changes.
        const updated = await store.transaction(async (session) => {
          const project = await session.projects.get(id)
          if (!project) throw notFound('project', id)
          const settings = patch.settings && patchSettings(ProjectSettings, project.settings, patch.settings)
          return session.projects.update(id, { name: patch.name, settings })
        })
        return c.json(updated!, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/api/projects/{id}',
        tags,
        summary: "Forget a project and its tasks' records (the repository itself is untouched)",
        request: { params: IdParam },
        responses: { 204: { description: 'deleted' }, 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        // Check and delete in one transaction: a task queued in between must not vanish with it.
        await store.transaction(async (session) => {
          if (!(await session.projects.get(id))) throw notFound('project', id)
          const busy = await session.tasks.list({ projectId: id, status: [...busyStatuses], limit: 1 })
          if (busy.length > 0) {
            throw new CadreError(
              'conflict',
              `project ${id} has tasks queued or running (e.g. ${busy[0]!.id}); cancel them first`,
            )
          }
          await session.projects.delete(id)
        })
        return c.body(null, 204)
      },
    )
}
