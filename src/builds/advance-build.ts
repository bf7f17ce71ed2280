import type { Logger } from 'pino'
import type { BrowserSessions } from '../browser/browser-sessions.ts'
import { nextOpening, scheduleOpen } from '../core/build-schedule.ts'
import type { Build, BuildProgress } from '../core/builds.ts'
import type { Project, Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import type { Feature } from '../core/features.ts'
import { commitEvents, type Emit, type EventDeps } from '../events/commit-events.ts'
import { announceFeatures, projectSpec, setFeature } from '../features/features.ts'
import { verifyFeature } from '../features/verify-feature.ts'
import type { ModelClient } from '../models/model-client.ts'
import type { StoreSession } from '../store/store.ts'
import { insertTask } from '../tasks/create-task.ts'
import { sendMessage } from '../tasks/send-message.ts'
import { mergeTask } from '../workspaces/merge-task.ts'
import { openTaskWorkspace, type WorkspaceDeps } from '../workspaces/open-task-workspace.ts'
import { conflictPrompt, featurePrompt, initializerPrompt, retryPrompt } from './build-prompts.ts'
import { runRegression } from './run-regression.ts'

export interface BuildDeps extends WorkspaceDeps, EventDeps {
  models: ModelClient
  log: Logger
  /** Runs features' browser checks against tasks' previews; without it, such checks fail, saying why. */
  browsers?: BrowserSessions
}

/** Task statuses in which the agent is at work or waits for a person: its feature is not settled yet. */
const atWork = new Set<Task['status']>(['backlog', 'queued', 'running', 'needs_input'])

/** Features no agent is to work on now: done, given up, or waiting for a person. */
const settledFeatures = new Set<Feature['status']>(['passing', 'skipped'])

const handByHand = 'Code complete — verify by hand: no command checks this feature'

/** The share of the build's features passing, and its state: what `build.progress` says. */
export const buildProgress = (build: Build, features: readonly Feature[]): BuildProgress => {
  const counted = features.filter((feature) => feature.status !== 'skipped')
  const count = (status: Feature['status']) => counted.filter((feature) => feature.status === status).length
  const passing = count('passing')
  return {
    buildId: build.id,
    status: build.status,
    passing,
    inProgress: count('in_progress'),
    needsHuman: count('needs_human'),
    total: counted.length,
    percentage: counted.length === 0 ? 0 : Math.round((100 * passing) / counted.length),
  }
}

/** Features an agent can take now: pending, or failing with tries left, whose dependencies all pass. */
export const readyFeatures = (build: Build, features: readonly Feature[]): Feature[] => {
  const byId = new Map(features.map((feature) => [feature.id, feature]))
  return features.filter(
    (feature) =>
      (feature.status === 'pending' ||
        (feature.status === 'failing' && feature.attempts < build.maxAttempts)) &&
      feature.dependsOn.every((id) => settledFeatures.has(byId.get(id)?.status ?? 'pending')),
  )
}

/** Inserts a task working for the build, on a branch off the build branch, queued at once. */
const insertBuildTask = (session: StoreSession, emit: Emit, build: Build, title: string, prompt: string) =>
  insertTask(session, emit, {
    projectId: build.projectId,
    title,
    prompt,
    status: 'queued',
    agent: build.agent,
    model: build.model,
    mode: build.mode,
    baseBranch: build.branch,
    sandbox: null,
    buildId: build.id,
  })

/**
 * One step of a build, from what the database holds (so a restart picks it up wherever it was):
 * the feature list written from the spec when there is none; each feature whose agent has ended
 * verified by Cadre, merged into the build branch when it passes (a conflict goes back to the
 * agent), sent back with the output when it does not (a person gets it after the last try);
 * passing features checked again after enough merges; free agents given the next ready features;
 * and the build's own status moved on (paused, waiting for people, finished).
 */
export const advanceBuild = async (deps: BuildDeps, buildId: string, signal: AbortSignal): Promise<void> => {
  let build = await deps.store.builds.get(buildId)
  if (!build) return
  const project = await deps.store.projects.get(build.projectId)
  if (!project) return
  build = await followSchedule(deps, build, project)
  if (!['running', 'pausing', 'waiting'].includes(build.status)) return
  let features = await deps.store.features.list(project.id)

  if (features.length === 0) return await writeFeatureList(deps, build, project)

  for (const feature of features.filter((each) => each.status === 'in_progress')) {
    if (signal.aborted) return
    await settleFeatureWork(deps, build, project, feature)
  }
  build = (await deps.store.builds.get(buildId))!
  features = await deps.store.features.list(project.id)

  // Finished work is checked again on the build branch after enough merges, and before the end.
  const ready = readyFeatures(build, features)
  const inProgress = features.filter((feature) => feature.status === 'in_progress')
  const endOfWork = ready.length === 0 && inProgress.length === 0
  if (
    build.mergesSinceRegression > 0 &&
    (endOfWork || (build.regressionEvery > 0 && build.mergesSinceRegression >= build.regressionEvery))
  ) {
    const reopened = await runRegression(deps, build, project, signal)
    if (reopened.length > 0)
      deps.log.info({ buildId, reopened: reopened.map((f) => f.name) }, 'regression check reopened features')
    build = (await deps.store.builds.update(buildId, { mergesSinceRegression: 0 }))!
    return
  }

  // Features that ran out of tries go to a person, with why.
  for (const feature of features) {
    if (feature.status === 'failing' && feature.attempts >= build.maxAttempts) {
      await giveUp(deps, feature, feature.attempts, feature.note ?? 'it kept failing')
    }
  }

  if (build.status !== 'pausing') {
    for (const feature of ready.slice(0, Math.max(0, build.concurrency - inProgress.length))) {
      await startFeature(deps, build, feature, features)
    }
  }
  features = await deps.store.features.list(project.id)
  const working = features.some((feature) => feature.status === 'in_progress')
  if (working) {
    if (build.status === 'waiting') await setBuildStatus(deps, build, 'running', null)
    return
  }
  if (build.status === 'pausing')
    return void (await setBuildStatus(deps, build, 'paused', build.statusReason))
  const waiting = features.filter((feature) => !settledFeatures.has(feature.status))
  if (waiting.length === 0) return void (await setBuildStatus(deps, build, 'finished', null))
  await setBuildStatus(deps, build, 'waiting', waitingReason(waiting))
}

const featureCount = (count: number) => `${count} feature${count === 1 ? '' : 's'}`

/** What a build that has nothing left for agents waits for, in a person's words. */
const waitingReason = (waiting: readonly Feature[]) => {
  const byHand = waiting.filter((feature) => feature.note?.startsWith(handByHand)).length
  const asked = waiting.filter((feature) => feature.status === 'needs_human').length - byHand
  const blocked = waiting.length - asked - byHand
  return [
    asked > 0 && `${featureCount(asked)} wait${asked === 1 ? 's' : ''} for a person's answer`,
    byHand > 0 && `${featureCount(byHand)} wait${byHand === 1 ? 's' : ''} to be verified by hand`,
    blocked > 0 && `${featureCount(blocked)} wait${blocked === 1 ? 's' : ''} for those`,
  ]
    .filter(Boolean)
    .join('; ')
}

/**
 * The project's schedule applied: a build outside every window pauses itself (gracefully), and one
 * it paused resumes once a window opens. A person's pause is left to a person.
 */
const followSchedule = async (deps: BuildDeps, build: Build, project: Project): Promise<Build> => {
  const schedule = project.settings.buildSchedule
  const now = new Date()
  const open = scheduleOpen(schedule, now)
  if (build.status === 'paused' && build.pausedBy === 'schedule' && open) {
    return setBuildStatus(deps, build, 'running', null, null)
  }
  if (!open && (build.status === 'running' || build.status === 'waiting')) {
    const next = schedule && nextOpening(schedule, now)
    const when = next ? `; it resumes on its own at ${next.toISOString()}` : ''
    return setBuildStatus(deps, build, 'pausing', `outside the project's build schedule${when}`, 'schedule')
  }
  return build
}

/** A build's status changed, told to the project's stream and its webhooks. */
export const setBuildStatus = async (
  deps: BuildDeps,
  build: Build,
  status: Build['status'],
  reason: string | null,
  pausedBy: Build['pausedBy'] = build.pausedBy,
): Promise<Build> => {
  if (build.status === status && build.statusReason === reason && build.pausedBy === pausedBy) return build
  const updated = (await deps.store.builds.update(build.id, { status, statusReason: reason, pausedBy }))!
  await announceProgress(deps, updated)
  deps.log.info({ buildId: build.id, status, reason }, 'build status changed')
  return updated
}

/** Publishes the build's progress on its project's stream (and so to its webhooks). */
export const announceProgress = async (deps: BuildDeps, build: Build) => {
  const features = await deps.store.features.list(build.projectId)
  deps.bus.publish({
    type: 'build.progress',
    taskId: '',
    projectId: build.projectId,
    at: new Date().toISOString(),
    data: buildProgress(build, features),
  })
}

/** The first run: an agent reads the spec and writes the feature list through its tools. */
const writeFeatureList = async (deps: BuildDeps, build: Build, project: Project) => {
  if (build.initializerTaskId) {
    const task = await deps.store.tasks.get(build.initializerTaskId)
    if (task && atWork.has(task.status)) return
    const ended = task
      ? `ended ${task.status}${task.statusReason ? ` (${task.statusReason})` : ''}`
      : 'is gone'
    await setBuildStatus(
      deps,
      build,
      'failed',
      `the run that writes the feature list (task ${build.initializerTaskId}) ${ended} without adding any feature; fix the spec or add features, then resume`,
    )
    return
  }
  if (build.status !== 'running')
    return void (await setBuildStatus(deps, build, 'paused', build.statusReason))
  const spec = await projectSpec(deps, project.id)
  if (!spec.text.trim()) {
    await setBuildStatus(
      deps,
      build,
      'failed',
      'the project has neither features nor a spec to write them from',
    )
    return
  }
  const task = await commitEvents(deps, async (session, emit) => {
    const created = await insertBuildTask(
      session,
      emit,
      build,
      'Write the feature list from the spec',
      initializerPrompt(spec.text),
    )
    await session.builds.update(build.id, { initializerTaskId: created.id })
    return created
  })
  deps.log.info({ buildId: build.id, taskId: task.id }, 'build: writing the feature list')
  announceAgent(deps, build, task, null, 'Write the feature list')
}

const announceAgent = (deps: BuildDeps, build: Build, task: Task, feature: Feature | null, name?: string) =>
  deps.bus.publish({
    type: 'agent.status',
    taskId: '',
    projectId: build.projectId,
    at: new Date().toISOString(),
    data: {
      buildId: build.id,
      taskId: task.id,
      featureId: feature?.id ?? null,
      featureName: feature?.name ?? name ?? '',
      status: task.status,
    },
  })

/** A feature handed to a new agent: its task and its status change in one transaction. */
const startFeature = async (deps: BuildDeps, build: Build, feature: Feature, all: readonly Feature[]) => {
  const { task, updated } = await commitEvents(deps, async (session, emit) => {
    const task = await insertBuildTask(session, emit, build, feature.name, featurePrompt(feature, all, build))
    const updated = await session.features.update(feature.id, { status: 'in_progress', lastTaskId: task.id })
    return { task, updated: updated! }
  })
  announceFeatures(deps, [updated])
  announceAgent(deps, build, task, updated)
}

/** The feature's agent has ended: its work verified, then merged, sent back, or handed to a person. */
const settleFeatureWork = async (deps: BuildDeps, build: Build, project: Project, feature: Feature) => {
  const task = feature.lastTaskId ? await deps.store.tasks.get(feature.lastTaskId) : undefined
  if (!task || task.buildId !== build.id) {
    // Its task is gone (or was never made): the feature is taken again from the start.
    await setFeature(deps, feature.id, { status: 'pending', note: null })
    return
  }
  if (atWork.has(task.status)) return
  announceAgent(deps, build, task, feature)
  if (task.status === 'cancelled') {
    await setFeature(deps, feature.id, {
      status: 'needs_human',
      note: `its task ${task.id} was cancelled; set the feature back to pending to try again`,
    })
    return
  }
  if (task.status === 'failed') {
    return tryAgain(
      deps,
      build,
      feature,
      task,
      `the agent's run failed: ${task.statusReason ?? 'no reason given'}`,
      '',
    )
  }
  const verification = await (async () => {
    await using opened = await openTaskWorkspace(deps, task.id)
    return verifyFeature(deps, opened.workspace, project, feature, task.id)
  })()
  // The page it opened is not needed any more, nor the preview it ran on.
  await deps.browsers?.close(task.id)
  if (verification !== 'nothing' && !verification.passed) {
    return tryAgain(deps, build, feature, task, verification.why, verification.output)
  }
  try {
    await mergeTask(deps, task.id, { strategy: 'merge' })
  } catch (error) {
    if (!(error instanceof CadreError) || error.code !== 'merge_conflict') throw error
    const files = (error.details as { files?: string[] } | undefined)?.files ?? []
    await sendMessage(deps, task.id, { text: conflictPrompt(build.branch, files) })
    return
  }
  await setFeature(
    deps,
    feature.id,
    verification === 'nothing'
      ? { status: 'needs_human', note: handByHand }
      : { status: 'passing', note: null },
  )
  await deps.store.builds.update(build.id, { mergesSinceRegression: build.mergesSinceRegression + 1 })
  build.mergesSinceRegression += 1
  await announceProgress(deps, build)
}

/** An attempt that did not pass: back to its agent with the output, or to a person after the last. */
const tryAgain = async (
  deps: BuildDeps,
  build: Build,
  feature: Feature,
  task: Task,
  why: string,
  output: string,
) => {
  const attempt = feature.attempts + 1
  if (attempt >= build.maxAttempts) {
    return giveUp(deps, feature, attempt, `${why}${output ? `\n${output.slice(-2000)}` : ''}`)
  }
  // The agent is told first: a restart in between costs no try.
  await sendMessage(deps, task.id, { text: retryPrompt(why, output, attempt, build.maxAttempts) })
  await setFeature(deps, feature.id, { attempts: attempt, note: why })
}

/** A feature out of tries goes to a person, with why. */
const giveUp = (deps: BuildDeps, feature: Feature, attempts: number, why: string) =>
  setFeature(deps, feature.id, {
    status: 'needs_human',
    attempts,
    note: `gave up after ${attempts} attempts: ${why}`,
  })
