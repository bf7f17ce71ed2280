import { browserSteps, runBrowserChecks } from '../browser/browser-checks.ts'
import type { BrowserSessions } from '../browser/browser-sessions.ts'
import type { Project } from '../core/entities.ts'
import type { Feature } from '../core/features.ts'
import type { Workspace } from '../sandbox/sandbox.ts'
import { runVerification, type Verification, verificationCommands } from './features.ts'

/**
 * Cadre's own verification of a feature's work in a task's workspace: the project's check command
 * and the feature's command steps, then its browser steps against the task's live preview (when
 * this server drives a browser). `nothing` when the feature has no step a machine can check.
 */
export const verifyFeature = async (
  deps: { browsers?: BrowserSessions },
  workspace: Pick<Workspace, 'exec'>,
  project: Project,
  feature: Feature,
  taskId: string,
): Promise<Verification | 'nothing'> => {
  const commands = verificationCommands(project, feature)
  const inBrowser = browserSteps(feature.steps)
  if (commands.length === 0 && inBrowser.length === 0) return 'nothing'
  const verification = await runVerification(workspace, commands)
  if (!verification.passed || inBrowser.length === 0) return verification
  if (!deps.browsers) {
    return {
      passed: false,
      command: inBrowser[0]!,
      why: 'this feature has browser checks, and this server drives no browser',
      output: '',
    }
  }
  return runBrowserChecks(deps.browsers, taskId, inBrowser)
}
