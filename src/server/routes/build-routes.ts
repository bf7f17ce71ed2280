import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import {
  AnswerInput,
  answerFeature,
  buildOf,
  buildView,
  pauseBuild,
  resumeBuild,
  startBuild,
  stopBuild,
} from '../../builds/builds.ts'
import { Build, BuildProgress, StartBuildInput } from '../../core/builds.ts'
import { notFound } from '../../core/errors.ts'
import { Feature } from '../../core/features.ts'
import { TaskStatus } from '../../core/task-status.ts'
import { errors, IdParam, json, jsonBody } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['builds']

const BuildView = Build.extend({
  progress: BuildProgress,
  agents: z
    .array(
      z.object({
        taskId: z.string(),
        featureId: z.string().nullable().describe('null for the run that writes the feature list'),
        featureName: z.string(),
        status: TaskStatus,
      }),
    )
    .describe('the agents at work now, each on its task'),
})

const actions = {
  pause: { summary: 'Pause: no feature starts, those at work finish, then it is paused' },
  resume: { summary: 'Go on from where it was (a paused, stopped or failed build)' },
  stop: { summary: 'Stop now: its agents are cancelled, their work kept on their branches' },
} as const

/** Autonomous builds: started on a project, followed, paused, resumed, stopped; people's answers. */
export const buildRoutes = (deps: AppDeps) => {
  const actionRoute = <A extends keyof typeof actions>(action: A) =>
    createRoute({
      method: 'post',
      path: `/api/builds/{id}/${action}` as `/api/builds/{id}/${A}`,
      tags,
      summary: actions[action].summary,
      request: { params: IdParam },
      responses: { 200: json(BuildView, 'the build'), 404: errors[404], 409: errors[409] },
    })
  /** A person acted on a build: the loop looks at it now, and the answer shows it as it is. */
  const acted = async (build: Build) => {
    deps.wakeBuilds()
    return buildView(deps, build)
  }
  const routes = new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/projects/{id}/build',
        tags,
        summary: 'Start a build: the spec turned into features, worked through by agents in parallel',
        request: { params: IdParam, body: jsonBody(StartBuildInput) },
        responses: {
          201: json(BuildView, 'the build'),
          400: errors[400],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => {
        const build = await startBuild(deps, c.req.valid('param').id, c.req.valid('json'))
        deps.wakeBuilds()
        return c.json(await buildView(deps, build), 201)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/projects/{id}/builds',
        tags,
        summary: "The project's builds, newest first",
        request: { params: IdParam },
        responses: { 200: json(z.object({ builds: z.array(Build) }), 'its builds'), 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        if (!(await deps.store.projects.get(id))) throw notFound('project', id)
        return c.json({ builds: await deps.store.builds.list({ projectId: id }) }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/builds/{id}',
        tags,
        summary: 'A build, with its progress and the agents at work',
        request: { params: IdParam },
        responses: { 200: json(BuildView, 'the build'), 404: errors[404] },
      }),
      async (c) => c.json(await buildView(deps, await buildOf(deps, c.req.valid('param').id)), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/features/{id}/answer',
        tags,
        summary: 'Answer a feature that waits for a person: the answer goes to the agent that asked',
        request: { params: IdParam, body: jsonBody(AnswerInput) },
        responses: {
          200: json(Feature, 'the feature'),
          400: errors[400],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => {
        const feature = await answerFeature(deps, c.req.valid('param').id, c.req.valid('json'))
        deps.wakeBuilds()
        return c.json(feature, 200)
      },
    )
    .openapi(actionRoute('pause'), async (c) =>
      c.json(await acted(await pauseBuild(deps, c.req.valid('param').id)), 200),
    )
    .openapi(actionRoute('resume'), async (c) =>
      c.json(await acted(await resumeBuild(deps, c.req.valid('param').id)), 200),
    )
    .openapi(actionRoute('stop'), async (c) =>
      c.json(await acted(await stopBuild(deps, c.req.valid('param').id)), 200),
    )
  return routes
}
