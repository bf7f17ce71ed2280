import type { Build } from '../core/builds.ts'
import type { Project } from '../core/entities.ts'
import type { Feature } from '../core/features.ts'
import { type FeatureDeps, featureStepCommands, runVerification, setFeature } from '../features/features.ts'
import { cadreIdentity, runGit } from '../git/workspace-git.ts'
import { setUpWorkspace } from '../scheduler/prepare-workspace.ts'
import type { WorkspaceDeps } from '../workspaces/open-task-workspace.ts'
import { workspaceSpec } from '../workspaces/workspace-spec.ts'

/** The branch of the build's own workspace, where regression checks run on the build branch's tip. */
export const verifyBranch = (build: Build) => `${build.branch}-verify`

/** The build's own workspace (not a task's): a checkout of the build branch, where nothing else works. */
const verificationSpec = (build: Build, project: Project) =>
  workspaceSpec(
    { id: build.id, branch: verifyBranch(build), baseBranch: build.branch, sandbox: null },
    project,
  )

const reopen = (deps: FeatureDeps, feature: Feature, build: Build, why: string, output: string) =>
  setFeature(deps, feature.id, {
    status: 'failing',
    // A try spent: two features that keep breaking each other end with a person, not in a loop.
    attempts: feature.attempts + 1,
    note: `${why} on ${build.branch}${output ? `:\n${output.slice(-4000)}` : ''}`,
  })

/**
 * Cadre's own regression check: every passing feature's checks run again on the tip of the build
 * branch, in the build's own workspace; a feature whose steps fail is reopened (`failing`) with
 * the output. When the project's check command fails, the feature merged last is reopened with
 * it: that merge is where the whole began to fail. Answers the features reopened.
 */
export const runRegression = async (
  deps: FeatureDeps & WorkspaceDeps,
  build: Build,
  project: Project,
  signal: AbortSignal,
): Promise<Feature[]> => {
  const passing = (await deps.store.features.list(project.id)).filter((f) => f.status === 'passing')
  if (passing.length === 0) return []
  const spec = verificationSpec(build, project)
  const workspace = await deps.sandboxes.create(spec)
  try {
    await runGit(workspace, ['reset', '-q', '--hard', build.branch], { env: cadreIdentity })
    await runGit(workspace, ['clean', '-fdq'])
    if (workspace.info.created) {
      const quiet = { sandboxes: deps.sandboxes, record: async () => {}, live: () => {} }
      await setUpWorkspace(quiet, workspace, project, signal).catch(async (error: unknown) => {
        // Made anew next time, so that its setup runs again.
        await workspace.close()
        await deps.sandboxes.destroy(spec)
        throw error
      })
    }
    const reopened: Feature[] = []
    const check = project.settings.checkCommand?.trim()
    const whole = check ? await runVerification(workspace, [check]) : { passed: true as const }
    for (const feature of passing) {
      const verification = await runVerification(workspace, featureStepCommands(feature))
      if (!verification.passed)
        reopened.push(await reopen(deps, feature, build, verification.why, verification.output))
    }
    if (!whole.passed && reopened.length === 0) {
      const last = passing.toSorted((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]!
      reopened.push(await reopen(deps, last, build, whole.why, whole.output))
    }
    return reopened
  } finally {
    await workspace.close()
  }
}
