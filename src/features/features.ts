import { z } from 'zod'
import { browserStepPrefix, parseBrowserStep } from '../browser/browser-checks.ts'
import type { BrowserSessions } from '../browser/browser-sessions.ts'
import type { Project } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import { type Feature, FeatureStatus, findDependencyCycle } from '../core/features.ts'
import { newId } from '../core/ids.ts'
import type { EventBus } from '../events/event-bus.ts'
import { openGit } from '../git/open-git.ts'
import type { Workspace } from '../sandbox/sandbox.ts'
import type { FeatureChange, Store } from '../store/store.ts'
import { openTaskWorkspace, type WorkspaceDeps } from '../workspaces/open-task-workspace.ts'
import { checkTimeoutMs } from '../workspaces/run-check-command.ts'
import { verifyFeature } from './verify-feature.ts'

export interface FeatureDeps {
  store: Store
  bus: EventBus
}

const text = (max: number) => z.string().trim().max(max)

export const FeatureInput = z.object({
  name: text(200).min(1, 'a feature needs a name'),
  description: text(20_000).default(''),
  category: text(100).min(1).default('general'),
  steps: z
    .array(
      text(2000)
        .min(1)
        .superRefine((step, ctx) => {
          if (!step.startsWith(browserStepPrefix)) return
          try {
            parseBrowserStep(step)
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message })
          }
        }),
    )
    .max(50)
    .default([])
    .describe(
      'how to verify it, step by step: `$ <command>` is run by Cadre, `browser: open /; click Add; see 1 item` checked in a browser on the preview',
    ),
  dependsOn: z
    .array(z.string().trim().min(1))
    .max(50)
    .default([])
    .describe('the features it waits for: ids, or names (of features in the list or in the same batch)'),
})
export type FeatureInput = z.input<typeof FeatureInput>

export const FeaturePatch = FeatureInput.partial().extend({
  status: FeatureStatus.optional(),
  note: text(20_000).nullable().optional(),
})
export type FeaturePatch = z.input<typeof FeaturePatch>

/** Tells the project's subscribers (the build dashboard) that a feature changed. */
export const announceFeatures = (deps: FeatureDeps, features: readonly Feature[]) => {
  for (const feature of features) {
    deps.bus.publish({
      type: 'feature.updated',
      taskId: feature.lastTaskId ?? '',
      projectId: feature.projectId,
      at: feature.updatedAt,
      data: { feature },
    })
  }
}

/** Each dependency as a feature id: an id of the list, or the name of a feature in it or in the batch. */
const resolveDependencies = (
  wanted: readonly string[],
  known: readonly Pick<Feature, 'id' | 'name'>[],
  of: string,
): string[] =>
  wanted.map((reference) => {
    const found =
      known.find((feature) => feature.id === reference) ??
      known.find((feature) => feature.name.toLowerCase() === reference.toLowerCase())
    if (!found) {
      throw new CadreError(
        'bad_request',
        `feature "${of}" depends on "${reference}", which is neither a feature's id nor its name in this project`,
      )
    }
    return found.id
  })

const refuseCycles = (features: readonly Pick<Feature, 'id' | 'name' | 'dependsOn'>[]) => {
  const cycle = findDependencyCycle(features)
  if (cycle) {
    throw new CadreError(
      'bad_request',
      `these dependencies go round in a circle: ${cycle.join(' → ')}; a feature cannot wait for itself`,
    )
  }
}

const projectOf = async (deps: FeatureDeps, projectId: string) => {
  const project = await deps.store.projects.get(projectId)
  if (!project) throw notFound('project', projectId)
  return project
}

/** Appends features to the project's list (one or many), pending; refuses unknown dependencies and cycles. */
export const createFeatures = async (
  deps: FeatureDeps,
  projectId: string,
  raw: readonly FeatureInput[],
): Promise<Feature[]> => {
  await projectOf(deps, projectId)
  const inputs = raw.map((input) => FeatureInput.parse(input))
  const existing = await deps.store.features.list(projectId)
  const fresh = inputs.map((input) => ({ ...input, id: newId('feature') }))
  const known = [...existing, ...fresh]
  const planned = fresh.map((feature) => ({
    ...feature,
    projectId,
    dependsOn: resolveDependencies(feature.dependsOn, known, feature.name),
  }))
  refuseCycles([...existing, ...planned])
  const created = await deps.store.features.create(planned)
  announceFeatures(deps, created)
  return created
}

export const featureOf = async (deps: FeatureDeps, id: string): Promise<Feature> => {
  const feature = await deps.store.features.get(id)
  if (!feature) throw notFound('feature', id)
  return feature
}

/** Changes a feature (its text, steps, dependencies, status); refuses a change that makes a cycle. */
export const editFeature = async (deps: FeatureDeps, id: string, raw: FeaturePatch): Promise<Feature> => {
  const patch = FeaturePatch.parse(raw)
  const feature = await featureOf(deps, id)
  const list = await deps.store.features.list(feature.projectId)
  const dependsOn = patch.dependsOn && resolveDependencies(patch.dependsOn, list, patch.name ?? feature.name)
  if (dependsOn) refuseCycles(list.map((each) => (each.id === id ? { ...each, dependsOn } : each)))
  const updated = await deps.store.features.update(id, {
    ...patch,
    ...(dependsOn && { dependsOn }),
  })
  announceFeatures(deps, [updated!])
  return updated!
}

/** Puts the project's features in the order given: every id must be one of its features, once. */
export const reorderFeatures = async (deps: FeatureDeps, projectId: string, ids: readonly string[]) => {
  await projectOf(deps, projectId)
  const list = await deps.store.features.list(projectId)
  const known = new Set(list.map((feature) => feature.id))
  const unknown = ids.filter((id) => !known.has(id))
  if (unknown.length > 0)
    throw new CadreError('bad_request', `not features of project ${projectId}: ${unknown.join(', ')}`)
  if (new Set(ids).size !== ids.length)
    throw new CadreError('bad_request', 'a feature is named twice in the order')
  // Those not named keep their relative order after the ones named.
  const rest = list.filter((feature) => !ids.includes(feature.id)).map((feature) => feature.id)
  await deps.store.features.reorder(projectId, [...ids, ...rest])
  const reordered = await deps.store.features.list(projectId)
  announceFeatures(deps, reordered)
  return reordered
}

/** The project's spec: kept in Cadre, else `.cadre/spec.md` on its base branch, else none. */
export const projectSpec = async (
  deps: FeatureDeps,
  projectId: string,
): Promise<{ text: string; source: 'cadre' | 'repository' | 'none'; updatedAt?: string }> => {
  const project = await projectOf(deps, projectId)
  const kept = await deps.store.features.getSpec(projectId)
  if (kept) return { text: kept.text, source: 'cadre', updatedAt: kept.updatedAt }
  const base = project.settings.baseBranch ?? 'HEAD'
  const text = await openGit(project.path)
    .raw(['show', `${base}:.cadre/spec.md`])
    .catch(() => undefined)
  return text ? { text, source: 'repository' } : { text: '', source: 'none' }
}

export const SpecInput = z.object({ text: z.string().max(500_000) })

export const saveSpec = async (deps: FeatureDeps, projectId: string, raw: z.input<typeof SpecInput>) => {
  await projectOf(deps, projectId)
  const kept = await deps.store.features.putSpec(projectId, SpecInput.parse(raw).text)
  return { ...kept, source: 'cadre' as const }
}

export const SpecDraftInput = z.object({
  idea: z.string().trim().min(1, 'say what the application is for').max(50_000),
})

/** The prompt of the conversation that writes a project's spec with the user. */
export const specDraftPrompt = (
  idea: string,
) => `Write the specification of this application with me, as .cadre/spec.md in the repository.

The idea:
${idea}

Ask me what you need to know first (who it is for, what it must do, what it must not, how it is run), a few questions at a time, and wait for my answers. Then write .cadre/spec.md: the purpose, the users, every feature with how to tell that it works, the data it keeps, the technology, and what is out of scope. Keep it concrete enough that each feature can be checked by running something.`

/** A feature's change by Cadre itself (a verification, an agent's report), told to the project's stream. */
export const setFeature = async (deps: FeatureDeps, id: string, change: FeatureChange): Promise<Feature> => {
  const updated = await deps.store.features.update(id, change)
  if (!updated) throw notFound('feature', id)
  announceFeatures(deps, [updated])
  return updated
}

export const PassInput = z.object({
  taskId: z
    .string()
    .min(1)
    .optional()
    .describe('the task whose workspace holds the work (default: the task that last worked on the feature)'),
})

/** How much of a failed verification's output goes back: its end, where runners say what failed. */
const keptOutputChars = 8000

/** A feature's steps written as commands (`$ npm test -- login`), as commands. */
export const featureStepCommands = (feature: Feature): string[] =>
  feature.steps
    .filter((step) => step.startsWith('$ '))
    .map((step) => step.slice(2).trim())
    .filter(Boolean)

/** What verifies a feature: the project's check command, then each of its steps written as a command. */
export const verificationCommands = (project: Project, feature: Feature): string[] => {
  const check = project.settings.checkCommand?.trim()
  return [...(check ? [check] : []), ...featureStepCommands(feature)]
}

export type Verification = { passed: true } | { passed: false; command: string; output: string; why: string }

/** Runs the commands in the workspace, in order, until one fails: that one, its output's end and why. */
export const runVerification = async (
  workspace: Pick<Workspace, 'exec'>,
  commands: readonly string[],
): Promise<Verification> => {
  for (const command of commands) {
    const result = await workspace.exec({ command: { shell: command }, timeoutMs: checkTimeoutMs })
    if (result.exitCode === 0) continue
    const output = [result.stdout.trim(), result.stderr.trim()]
      .filter(Boolean)
      .join('\n')
      .slice(-keptOutputChars)
    const why = `${command} failed (${result.timedOut ? 'timed out' : `exit ${result.exitCode ?? 'killed'}`})`
    return { passed: false, command, output, why }
  }
  return { passed: true }
}

export const nothingVerifies = (feature: Feature) =>
  new CadreError(
    'bad_request',
    `nothing can verify feature "${feature.name}": set the project's checkCommand, or give the feature steps that are commands ("$ npm test -- login") or browser checks ("browser: open /; click Add; see 1 item")`,
  )

/**
 * Marks a feature passing only when Cadre's own verification passes in the task's workspace: the
 * project's check command, then each of the feature's steps written as a command (`$ npm test --
 * login`). The first that fails leaves the feature failing, with its output, which is returned.
 */
export const verifyAndPass = async (
  deps: FeatureDeps & WorkspaceDeps & { browsers?: BrowserSessions },
  id: string,
  raw: z.input<typeof PassInput>,
): Promise<{ passed: boolean; feature: Feature; command?: string; output?: string }> => {
  const feature = await featureOf(deps, id)
  const taskId = PassInput.parse(raw).taskId ?? feature.lastTaskId
  if (!taskId) {
    throw new CadreError(
      'bad_request',
      `say which task's workspace holds feature ${id}'s work (taskId): no task has worked on it yet`,
    )
  }
  await using opened = await openTaskWorkspace(deps, taskId)
  if (opened.project.id !== feature.projectId) {
    throw new CadreError('bad_request', `task ${taskId} is not of the project of feature ${id}`)
  }
  const verification = await verifyFeature(deps, opened.workspace, opened.project, feature, taskId)
  if (verification === 'nothing') throw nothingVerifies(feature)
  if (!verification.passed) {
    const failing = await setFeature(deps, id, {
      status: 'failing',
      attempts: feature.attempts + 1,
      lastTaskId: taskId,
      note: verification.why,
    })
    return { passed: false, feature: failing, command: verification.command, output: verification.output }
  }
  return {
    passed: true,
    feature: await setFeature(deps, id, { status: 'passing', lastTaskId: taskId, note: null }),
  }
}
