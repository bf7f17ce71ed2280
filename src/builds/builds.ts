import { z } from 'zod'
import { type Build, StartBuildInput, settledBuildStatuses } from '../core/builds.ts'
import { CadreError, notFound } from '../core/errors.ts'
import type { Feature } from '../core/features.ts'
import { newId } from '../core/ids.ts'
import { featureOf, projectSpec, setFeature } from '../features/features.ts'
import { openGit } from '../git/open-git.ts'
import { sendMessage } from '../tasks/send-message.ts'
import { transitionTask } from '../tasks/transition-task.ts'
import { type BuildDeps, buildProgress, setBuildStatus } from './advance-build.ts'
import { answerPrompt } from './build-prompts.ts'

export const buildOf = async (deps: BuildDeps, id: string): Promise<Build> => {
  const build = await deps.store.builds.get(id)
  if (!build) throw notFound('build', id)
  return build
}

/** The build branch's name: one per build, beside the tasks' own. */
const buildBranch = (id: string) => `cadre/build-${id.replace(/^bld_/, '')}`

/**
 * Starts a build of the project: a branch of its own off the project's base branch, and the loop
 * (woken here) takes it from there. One build of a project runs at a time, and it needs features
 * or a spec to write them from.
 */
export const startBuild = async (
  deps: BuildDeps,
  projectId: string,
  raw: z.input<typeof StartBuildInput>,
): Promise<Build> => {
  const input = StartBuildInput.parse(raw)
  const project = await deps.store.projects.get(projectId)
  if (!project) throw notFound('project', projectId)
  const open = (await deps.store.builds.list({ projectId })).find(
    (build) => !settledBuildStatuses.includes(build.status),
  )
  if (open) {
    throw new CadreError(
      'conflict',
      `build ${open.id} of this project is ${open.status}; stop it (or let it finish) before starting another`,
    )
  }
  const features = await deps.store.features.list(projectId)
  if (features.length === 0 && !(await projectSpec(deps, projectId)).text.trim()) {
    throw new CadreError(
      'bad_request',
      'this project has no features and no spec to write them from: write .cadre/spec.md (or PUT /api/projects/{id}/spec), or add features, then start the build',
    )
  }
  const id = newId('build')
  const git = openGit(project.path)
  const fromBranch =
    project.settings.baseBranch ??
    (await git.raw(['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')).trim()
  if (!fromBranch) {
    throw new CadreError(
      'bad_request',
      "the repository has no branch checked out: set the project's baseBranch",
    )
  }
  const branch = buildBranch(id)
  await git.raw(['branch', branch, fromBranch]).catch((error: Error) => {
    throw new CadreError('bad_request', `cannot start a branch from ${fromBranch}: ${error.message.trim()}`)
  })
  const build = await deps.store.builds.create({
    id,
    projectId,
    status: 'running',
    branch,
    fromBranch,
    concurrency: input.concurrency,
    agent: input.agent ?? project.settings.defaultAgent,
    model: input.model ?? project.settings.defaultModel ?? null,
    mode: input.mode,
    maxAttempts: input.maxAttempts,
    regressionEvery: input.regressionEvery,
  })
  deps.log.info({ buildId: id, projectId, branch }, 'build started')
  return build
}

/** Pausing is graceful: no feature starts, those at work finish (verified and merged), then it is paused. */
export const pauseBuild = async (deps: BuildDeps, id: string): Promise<Build> => {
  const build = await buildOf(deps, id)
  if (build.status === 'pausing' || build.status === 'paused') {
    // Paused by the schedule: now by a person too, so that the schedule does not resume it.
    return build.pausedBy === 'person'
      ? build
      : setBuildStatus(deps, build, build.status, 'paused by a person', 'person')
  }
  if (!['running', 'waiting'].includes(build.status)) {
    throw new CadreError('invalid_transition', `build ${id} is ${build.status}: only a running build pauses`)
  }
  return setBuildStatus(deps, build, 'pausing', 'paused by a person', 'person')
}

/** A paused, stopped or failed build goes on from where it was. */
export const resumeBuild = async (deps: BuildDeps, id: string): Promise<Build> => {
  const build = await buildOf(deps, id)
  if (build.status === 'running') return build
  if (build.status === 'finished') {
    throw new CadreError('invalid_transition', `build ${id} is finished; start a new one to build more`)
  }
  const open = (await deps.store.builds.list({ projectId: build.projectId })).find(
    (other) => other.id !== id && !settledBuildStatuses.includes(other.status),
  )
  if (open)
    throw new CadreError('conflict', `build ${open.id} of this project is ${open.status}; stop it first`)
  // A failed start of the feature list is tried again.
  const restart = build.status === 'failed' && (await deps.store.features.list(build.projectId)).length === 0
  const current = restart ? (await deps.store.builds.update(id, { initializerTaskId: null }))! : build
  return setBuildStatus(deps, current, 'running', null, null)
}

/**
 * Stops a build now: its agents' tasks are cancelled (their work stays on their branches) and
 * their features go back to pending, for a build resumed later to take them again.
 */
export const stopBuild = async (deps: BuildDeps, id: string): Promise<Build> => {
  const build = await buildOf(deps, id)
  if (build.status === 'stopped' || build.status === 'finished') return build
  const stopped = await setBuildStatus(deps, build, 'stopped', 'stopped by a person')
  const tasks = await deps.store.tasks.list({
    buildId: id,
    status: ['backlog', 'queued', 'running', 'needs_input'],
  })
  for (const task of tasks) {
    await transitionTask(deps, task.id, 'cancel', 'the build was stopped').catch(() => {})
  }
  for (const feature of await deps.store.features.list(build.projectId)) {
    if (feature.status === 'in_progress')
      await setFeature(deps, feature.id, { status: 'pending', note: 'the build was stopped' })
  }
  return stopped
}

export const AnswerInput = z.object({
  answer: z.string().trim().min(1, 'the answer is empty').max(50_000),
})

/**
 * A person's answer to a feature waiting for one: to the agent that asked, whose task goes on with
 * it; a feature no agent asked about (given up, verify by hand) goes back to the build as pending,
 * the answer kept as its note for the next agent.
 */
export const answerFeature = async (
  deps: BuildDeps,
  featureId: string,
  raw: z.input<typeof AnswerInput>,
): Promise<Feature> => {
  const { answer } = AnswerInput.parse(raw)
  const feature = await featureOf(deps, featureId)
  if (feature.status !== 'needs_human') {
    throw new CadreError(
      'invalid_transition',
      `feature ${featureId} is ${feature.status}: it waits for no answer`,
    )
  }
  const task = feature.lastTaskId ? await deps.store.tasks.get(feature.lastTaskId) : undefined
  if (task?.buildId && task.status !== 'cancelled') {
    await sendMessage(deps, task.id, { text: answerPrompt(feature.note ?? '', answer) })
    // A person's word is worth fresh tries.
    return setFeature(deps, featureId, { status: 'in_progress', attempts: 0, note: null })
  }
  return setFeature(deps, featureId, { status: 'pending', attempts: 0, note: `A person said: ${answer}` })
}

/** A build as the API shows it: with its progress and the agents at work. */
export const buildView = async (deps: BuildDeps, build: Build) => {
  const features = await deps.store.features.list(build.projectId)
  const tasks = await deps.store.tasks.list({ buildId: build.id })
  const byTask = new Map(features.filter((f) => f.lastTaskId).map((f) => [f.lastTaskId!, f]))
  const agents = tasks
    .filter((task) => ['queued', 'running', 'needs_input'].includes(task.status))
    .map((task) => ({
      taskId: task.id,
      featureId: byTask.get(task.id)?.id ?? null,
      featureName: byTask.get(task.id)?.name ?? task.title,
      status: task.status,
    }))
  return { ...build, progress: buildProgress(build, features), agents }
}
