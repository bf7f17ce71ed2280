import { createDeltaCoalescer } from '../agent/delta-coalescer.ts'
import type { Project, Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import type { EventInput, LiveEventType, StoredEvent } from '../core/events/registry.ts'
import type { SandboxBackend, Workspace } from '../sandbox/sandbox.ts'
import type { Redactor } from '../secrets/redactor.ts'
import { copyIntoWorkspace } from '../workspaces/copy-into-workspace.ts'
import { workspaceSpec } from '../workspaces/workspace-spec.ts'

const setupScriptPath = '.cadre/setup.sh'
const setupTimeoutMs = 30 * 60_000
/** How much of the setup's output its stored event keeps (all of it streamed live). */
const keptOutputChars = 8000

const unisolatedWarning =
  "processes run without isolation: bubblewrap is missing or cannot run here (install the Debian package 'bubblewrap'); see cadre doctor"

export interface PrepareDeps {
  sandboxes: SandboxBackend
  record(events: readonly EventInput[]): Promise<void>
  live(event: EventInput<LiveEventType>): void
  redactor?: Redactor
}

/** The project's setup script: `.cadre/setup.sh` in the repository wins over the project settings. */
const findSetupScript = async (workspace: Workspace, project: Project) => {
  const inRepository = await workspace.readFile(setupScriptPath).then(
    () => true,
    () => false,
  )
  if (inRepository) return { name: setupScriptPath, command: ['/bin/sh', setupScriptPath] }
  const script = project.settings.setupScript?.trim()
  return script ? { name: 'the project settings', command: { shell: script } } : undefined
}

/**
 * The task's workspace, made on first use (`workspace.ready`, with a warning when processes cannot
 * be isolated) and set up once: the project's setup script runs, its output streamed live, until it
 * has succeeded (`setup.finished`). A failing setup fails the run, saying what it printed last.
 */
export const prepareWorkspace = async (
  deps: PrepareDeps,
  task: Task,
  project: Project,
  events: readonly StoredEvent[],
  signal: AbortSignal,
  exposed: readonly string[] = [],
): Promise<Workspace> => {
  const spec = { ...workspaceSpec(task, project), exposed }
  const workspace = await deps.sandboxes.create(spec)
  try {
    if (!events.some((event) => event.type === 'workspace.ready')) {
      const { isolation } = workspace.info
      await deps.record([
        {
          type: 'workspace.ready',
          data: {
            kind: workspace.info.kind,
            path: workspace.root,
            branch: workspace.info.branch,
            baseBranch: spec.baseBranch,
            isolation,
            network: spec.network,
            ...(isolation === 'none' && { warning: unisolatedWarning }),
          },
        },
      ])
    }
    // A workspace made anew (cleaned up, or a pod that was lost) is set up again: what the setup
    // made (dependencies installed) went with the old one.
    const found = !workspace.info.created
    const setUp =
      found && events.some((event) => event.type === 'setup.finished' && event.data.exitCode === 0)
    // Copies go only into a workspace no agent has worked in yet: never among an agent's files.
    const copied =
      found && events.some((event) => event.type === 'workspace.copied' || event.type === 'tool.started')
    if (!setUp) await setUpWorkspace(deps, workspace, project, signal, { copy: !copied })
    return workspace
  } catch (error) {
    await workspace.close()
    throw error
  }
}

/**
 * Sets a new workspace up: the project's `copyIntoWorkspace` paths copied from its checkout
 * (`workspace.copied`), then its setup script run, when it has one; a failing one throws, saying why.
 */
export const setUpWorkspace = async (
  deps: PrepareDeps,
  workspace: Workspace,
  project: Project,
  signal: AbortSignal,
  { copy = true }: { copy?: boolean } = {},
): Promise<void> => {
  const paths = project.settings.copyIntoWorkspace ?? []
  if (copy && paths.length > 0) await copyFromCheckout(deps, workspace, project.path, paths, signal)
  const script = await findSetupScript(workspace, project)
  if (script) await runSetup(deps, workspace, script, signal)
}

const copyFromCheckout = async (
  deps: PrepareDeps,
  workspace: Workspace,
  checkout: string,
  paths: readonly string[],
  signal: AbortSignal,
) => {
  const started = performance.now()
  // A pod's files are on its own machine: the checkout's cannot be copied there.
  const copies =
    workspace.info.kind === 'kubernetes'
      ? paths.map((path) => ({ path, copied: false, note: 'not copied into a pod' }))
      : await copyIntoWorkspace(checkout, workspace.root, paths, signal)
  await deps.record([
    {
      type: 'workspace.copied',
      data: { paths: copies, durationMs: Math.round(performance.now() - started) },
    },
  ])
}

const runSetup = async (
  deps: PrepareDeps,
  workspace: Workspace,
  script: NonNullable<Awaited<ReturnType<typeof findSetupScript>>>,
  signal: AbortSignal,
) => {
  const output = createDeltaCoalescer(deps.live, { redactor: deps.redactor })
  const result = await workspace.exec({
    command: script.command,
    timeoutMs: setupTimeoutMs,
    signal,
    onOutput: (_stream, text) => output.push({ type: 'setup.output', data: { blockId: 'setup', text } }),
  })
  output.flush()
  const printed = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n')
  await deps.record([
    {
      type: 'setup.finished',
      data: {
        script: script.name,
        exitCode: result.exitCode,
        durationMs: Math.round(result.durationMs),
        output: printed.slice(-keptOutputChars),
      },
    },
  ])
  if (signal.aborted || result.exitCode === 0) return
  const why = result.timedOut ? 'took longer than 30 minutes' : `failed (exit ${result.exitCode ?? 'killed'})`
  const tail = printed.split('\n').slice(-5).join('\n')
  throw new CadreError('bad_request', `the setup script (${script.name}) ${why}${tail ? `:\n${tail}` : ''}`)
}
