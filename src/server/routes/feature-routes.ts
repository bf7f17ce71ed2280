import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Task } from '../../core/entities.ts'
import { notFound } from '../../core/errors.ts'
import { Feature } from '../../core/features.ts'
import {
  createFeatures,
  editFeature,
  FeatureInput,
  FeaturePatch,
  featureOf,
  PassInput,
  projectSpec,
  reorderFeatures,
  SpecDraftInput,
  SpecInput,
  saveSpec,
  specDraftPrompt,
  verifyAndPass,
} from '../../features/features.ts'
import { createTask } from '../../tasks/create-task.ts'
import { errors, IdParam, json, jsonBody } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['features']

const FeatureList = z.object({ features: z.array(Feature) })
const Spec = z.object({
  text: z.string(),
  source: z
    .enum(['cadre', 'repository', 'none'])
    .describe('kept in Cadre, .cadre/spec.md on the base branch, or none yet'),
  updatedAt: z.string().optional(),
})

/** A project's spec and feature list (what autonomous builds work through). */
export const featureRoutes = (deps: AppDeps) =>
  new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/projects/{id}/features',
        tags,
        summary: "The project's features, in list order",
        request: { params: IdParam },
        responses: { 200: json(FeatureList, 'its features'), 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        if (!(await deps.store.projects.get(id))) throw notFound('project', id)
        return c.json({ features: await deps.store.features.list(id) }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/projects/{id}/features',
        tags,
        summary: 'Add features to the list (one or many); dependencies by id or name, cycles refused',
        request: {
          params: IdParam,
          body: jsonBody(z.object({ features: z.array(FeatureInput).min(1).max(500) })),
        },
        responses: { 201: json(FeatureList, 'the features added'), 400: errors[400], 404: errors[404] },
      }),
      async (c) =>
        c.json(
          { features: await createFeatures(deps, c.req.valid('param').id, c.req.valid('json').features) },
          201,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/projects/{id}/features/reorder',
        tags,
        summary: 'Put features in this order (those not named follow, as they were)',
        request: {
          params: IdParam,
          body: jsonBody(z.object({ ids: z.array(z.string().min(1)).min(1).max(5000) })),
        },
        responses: { 200: json(FeatureList, 'the list, reordered'), 400: errors[400], 404: errors[404] },
      }),
      async (c) =>
        c.json(
          { features: await reorderFeatures(deps, c.req.valid('param').id, c.req.valid('json').ids) },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/api/features/{id}',
        tags,
        summary: 'Change a feature: its text, steps, dependencies, status',
        request: { params: IdParam, body: jsonBody(FeaturePatch) },
        responses: { 200: json(Feature, 'the feature'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => c.json(await editFeature(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/features/{id}/skip',
        tags,
        summary: 'Skip a feature: no agent works on it',
        request: { params: IdParam },
        responses: { 200: json(Feature, 'the feature'), 404: errors[404] },
      }),
      async (c) => {
        const feature = await featureOf(deps, c.req.valid('param').id)
        return c.json(await editFeature(deps, feature.id, { status: 'skipped' }), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/features/{id}/pass',
        tags,
        summary: "Mark a feature passing, once Cadre's own verification passes in the task's workspace",
        request: { params: IdParam, body: jsonBody(PassInput) },
        responses: {
          200: json(
            z.object({
              passed: z.boolean(),
              feature: Feature,
              command: z.string().optional().describe('the verification that failed'),
              output: z.string().optional().describe('the end of what it printed'),
            }),
            'passing, or failing with what the verification printed',
          ),
          400: errors[400],
          404: errors[404],
        },
      }),
      async (c) => c.json(await verifyAndPass(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/projects/{id}/spec',
        tags,
        summary: "The project's spec: kept in Cadre, else .cadre/spec.md on its base branch",
        request: { params: IdParam },
        responses: { 200: json(Spec, 'its spec'), 404: errors[404] },
      }),
      async (c) => c.json(await projectSpec(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/api/projects/{id}/spec',
        tags,
        summary: "Keep the project's spec in Cadre (over the repository's)",
        request: { params: IdParam, body: jsonBody(SpecInput) },
        responses: { 200: json(Spec, 'kept'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => c.json(await saveSpec(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/projects/{id}/spec/draft',
        tags,
        summary: 'Start a conversation in which an agent writes the spec (.cadre/spec.md) with you',
        request: { params: IdParam, body: jsonBody(SpecDraftInput) },
        responses: {
          201: json(Task, 'the task holding the conversation'),
          400: errors[400],
          404: errors[404],
        },
      }),
      async (c) => {
        const { idea } = c.req.valid('json')
        const task = await createTask(deps, {
          projectId: c.req.valid('param').id,
          title: 'Write the spec',
          prompt: specDraftPrompt(idea),
          start: true,
        })
        return c.json(task, 201)
      },
    )
