import type { Logger } from 'pino'
import { builtinSystemPrompt, builtinTools } from '../agent/builtin-tools.ts'
import { conversationFromEvents } from '../agent/conversation-from-events.ts'
import { runAgentLoop } from '../agent/run-agent-loop.ts'
import { connectConnectorTools, projectConnectors } from '../connectors/connector-tools.ts'
import type { Run, Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import type { RunBudget } from '../core/settings.ts'
import { commitEvents } from '../events/commit-events.ts'
import type { EventBus } from '../events/event-bus.ts'
import { readAllEvents } from '../events/read-all-events.ts'
import { clearStaleLocks, workspaceChanged } from '../git/workspace-git.ts'
import type { ModelClient } from '../models/model-client.ts'
import { planWaitsReason } from '../runtimes/agent-action.ts'
import { agentPolicy } from '../runtimes/agent-policy.ts'
import type { AgentRuntime, McpServerSpec } from '../runtimes/agent-runtime.ts'
import type { SandboxBackend } from '../sandbox/sandbox.ts'
import type { Redactor } from '../secrets/redactor.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import { storageFailure } from '../store/storage-failure.ts'
import type { Store } from '../store/store.ts'
import { applyTaskAction } from '../tasks/transition-task.ts'
import { createCheckpointer } from '../workspaces/checkpoints.ts'
import { runCheckCommand } from '../workspaces/run-check-command.ts'
import { workspaceSpec } from '../workspaces/workspace-spec.ts'
import { approveCalls } from './approve-calls.ts'
import { killLeftoverProcesses, runMarker } from './kill-leftover-processes.ts'
import { prepareWorkspace } from './prepare-workspace.ts'
import { runExternalAgent, type WaitingCall } from './run-external-agent.ts'

export interface RunDeps {
  store: Store
  bus: EventBus
  models: ModelClient
  sandboxes: SandboxBackend
  log: Logger
  /** Redacts streamed text before it goes out live (stored events are redacted by the store). */
  redactor?: Redactor
  /** The external agents this server can run, by name (the built-in agent is always there). */
  runtimes?: ReadonlyMap<string, AgentRuntime>
  /** Opens connectors' sealed secrets; without it, no connector is given to agents. */
  box?: SecretBox
  /** The feature tools of a build's task, as an MCP server its agent is given. */
  buildTools?: (taskId: string) => McpServerSpec
}

/**
 * Why the project's daily budget (UTC day) stops the run, or undefined while some is left. Runs add
 * their cost as each step ends, so every run of the project, running or not, is counted.
 */
const dailyBudgetSpent = async (store: Store, projectId: string, budget: RunBudget) => {
  if (budget.dailyCostUsd === undefined) return undefined
  const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`
  const spent = await store.runs.costSince(projectId, today)
  if (spent < budget.dailyCostUsd) return undefined
  return `the project's daily budget of $${budget.dailyCostUsd} is spent ($${spent.toFixed(4)} today); raise budget.dailyCostUsd or wait for tomorrow (UTC)`
}

/**
 * Runs (or resumes) one run of the task's agent — the built-in one from the conversation stored so
 * far, or an external runtime in its own session — and settles the task: review when the workspace has changes, done when not, failed with the reason.
 * Aborting `shutdown` stops the loop and leaves run and task as they are, to be resumed.
 */
export const executeRun = async (
  deps: RunDeps,
  task: Task,
  run: Run,
  shutdown: AbortSignal,
  /** A run taken over after its server stopped in the middle of it. */
  { resumed = false }: { resumed?: boolean } = {},
): Promise<void> => {
  const { store, bus, log } = deps
  const controller = new AbortController()
  const cancelOnShutdown = () => controller.abort()
  shutdown.addEventListener('abort', cancelOnShutdown, { once: true })
  let cancelledByUser = false
  const unsubscribe = bus.subscribe({ taskId: task.id }, (event) => {
    if (event.type === 'task.status_changed' && event.data.to === 'cancelled') {
      cancelledByUser = true
      controller.abort()
    }
  })
  // The run is settled in the same transaction as its task: a crash between the two would leave a
  // task running that no run will ever finish.
  const settle = (session: Pick<Store, 'runs'>, status: Run['status'], outcome: string) =>
    session.runs.update(run.id, { status, outcome, endedAt: new Date().toISOString() })
  try {
    const project = await store.projects.get(task.projectId)
    if (!project) throw new CadreError('not_found', `the task's project ${task.projectId} no longer exists`)
    const globalSettings = await store.settings.get()
    const modelId = task.model ?? globalSettings.defaultModel
    if (!modelId) {
      throw new CadreError(
        'bad_request',
        "no model chosen: give the task a model (--model provider:model), or set a defaultModel in the project's or the global settings",
      )
    }
    const model = await deps.models.resolve(modelId)
    const runtime = task.agent === 'builtin' ? undefined : deps.runtimes?.get(task.agent)
    if (task.agent !== 'builtin' && !runtime) {
      throw new CadreError(
        'unavailable',
        `the ${task.agent} agent cannot run on this server: install it (cadre agents install ${task.agent}) and restart, or choose another agent`,
      )
    }
    if (runtime && project.settings.sandbox.network === 'off') {
      throw new CadreError(
        'bad_request',
        `${task.agent} calls its model itself and needs the network: set the project's sandbox.network to "on"`,
      )
    }
    const { budget } = project.settings
    const spentBeforeStart = await dailyBudgetSpent(store, project.id, budget)
    if (spentBeforeStart) throw new CadreError('unavailable', `stopped: ${spentBeforeStart}`)
    const events = await readAllEvents(store, task.id)
    const record = (events: readonly EventInput[]) =>
      commitEvents(deps, async (session, emit) => {
        await emit(task.id, events)
        // A step's usage is added to the run with its step.finished, so totals (and the daily
        // budget) count what a run spends as it spends it, across crashes and resumptions.
        for (const event of events) {
          if (event.type === 'step.finished')
            await session.runs.addUsage(run.id, event.data.usage, event.data.costUsd ?? 0)
        }
      })
    const live = (event: EventInput<LiveEventType>) =>
      bus.publish({
        ...event,
        taskId: task.id,
        projectId: task.projectId,
        at: new Date().toISOString(),
      } as never)
    // A run taken over from a dead server first ends the commands that server left running.
    const leftovers = killLeftoverProcesses(run.id)
    if (leftovers > 0)
      log.info({ runId: run.id, processes: leftovers }, 'ended processes left by a dead server')
    await using sandbox = await prepareWorkspace(
      { sandboxes: deps.sandboxes, record, live, redactor: deps.redactor },
      task,
      project,
      events,
      controller.signal,
      runtime?.exposed,
    )
    // A git command the dead server's run was in the middle of left its locks: nothing of the task
    // runs now. (A worktree made just now has none.)
    if (!sandbox.info.created) await clearStaleLocks(sandbox, [`refs/cadre/${task.id}`])
    // Checkpoint 0 is the workspace before the agent touched it; then one after each writing step.
    const checkpoints = createCheckpointer(sandbox, task.id, events, record)
    if (!events.some((event) => event.type === 'checkpoint.created')) await checkpoints.take(0)
    // Messages sent while the run goes on reach the model at the next step boundary.
    let cursor = events.at(-1)?.seq ?? 0
    const followUps = async () => {
      const fresh = await store.events.list(task.id, { after: cursor, limit: 1000 })
      cursor = fresh.at(-1)?.seq ?? cursor
      return fresh.flatMap((event) =>
        event.type === 'message.user' && event.data.threadId === run.threadId
          ? [{ role: 'user' as const, content: event.data.text }]
          : [],
      )
    }
    // A message that lands as the run ends is not lost: the task is queued again to answer it.
    const settleTask = (
      runEnd: { status: Run['status']; outcome: string },
      action: 'finish' | 'finish_with_changes' | 'fail',
      reason?: string,
    ) =>
      commitEvents(deps, async (session, emit) => {
        await settle(session, runEnd.status, runEnd.outcome)
        await applyTaskAction(session, emit, task.id, action, reason)
        const unanswered = await session.events.list(task.id, { after: cursor, limit: 1000 })
        if (unanswered.some((event) => event.type === 'message.user')) {
          await applyTaskAction(session, emit, task.id, 'follow_up', 'a message arrived as the run ended')
        }
      })
    // The task is done (review or done), failed with the reason, or cancelled: the same for every agent.
    const finish = async (outcome: { cancelled: boolean; failure?: string }) => {
      if (outcome.cancelled) {
        if (!cancelledByUser) return // shutting down: left running, resumed at the next start
        await settle(store, 'cancelled', 'cancelled by user')
        return
      }
      if (outcome.failure) {
        await settleTask({ status: 'failed', outcome: outcome.failure }, 'fail', outcome.failure)
        return
      }
      const changed = await workspaceChanged(sandbox, workspaceSpec(task, project).baseBranch)
      await runCheckCommand({
        workspace: sandbox,
        project,
        record,
        signal: controller.signal,
        env: { [runMarker]: run.id },
      })
      await settleTask(
        { status: 'succeeded', outcome: changed ? 'finished with changes' : 'finished' },
        changed ? 'finish_with_changes' : 'finish',
      )
    }
    // A call a person must decide on, or a plan to approve: the run ends there (it succeeded), the
    // task waits, and the decision queues it again for a new run that goes on from the decision.
    const waitForPerson = async (waiting: Omit<WaitingCall, 'type'>) => {
      const { callId, tool, input, reason, plan } = waiting
      await commitEvents(deps, async (session, emit) => {
        await settle(
          session,
          'succeeded',
          plan === undefined ? `waiting for approval of ${tool}` : 'plan proposed',
        )
        await emit(task.id, [
          {
            type: 'approval.requested',
            data: {
              threadId: run.threadId,
              approvalId: callId,
              tool,
              input,
              reason,
              ...(plan !== undefined && { kind: 'plan' as const }),
            },
          },
        ])
        const why =
          plan === undefined ? `${tool} waits for approval: ${reason}` : 'the plan waits for approval'
        await applyTaskAction(session, emit, task.id, 'ask', why)
      })
    }
    const policy = {
      settings: project.settings.policy,
      globalRules: globalSettings.policy.rules,
      mode: task.mode,
    }
    // The MCP servers given to the project's agents (its own and the global ones), and to a
    // build's agents their feature tools.
    const connectors = [
      ...(deps.box
        ? await projectConnectors({ store, box: deps.box, redactor: deps.redactor }, project.id, (why) =>
            log.warn({ taskId: task.id }, why),
          )
        : []),
      ...(task.buildId && deps.buildTools ? [deps.buildTools(task.id)] : []),
    ]
    if (runtime) {
      const agentSessionId = (await store.threads.get(run.threadId))?.agentSessionId ?? null
      if (resumed && !(runtime.capabilities.restart && agentSessionId)) {
        const why = runtime.capabilities.restart
          ? 'before it reported its session'
          : 'and it cannot pick its session up again'
        return await finish({
          cancelled: false,
          failure: `Cadre stopped while ${task.agent} was working, ${why}: this run ends here. The workspace and everything recorded are kept; send a follow-up to go on.`,
        })
      }
      const { errors, waiting } = await runExternalAgent(
        {
          store,
          models: deps.models,
          runtime,
          workspace: sandbox,
          model,
          taskId: task.id,
          runId: run.id,
          threadId: run.threadId,
          agentSessionId,
          mode: task.mode,
          policy: agentPolicy(policy.settings, policy.globalRules, task.mode),
          approve: approveCalls({
            policy: policy.settings,
            globalRules: policy.globalRules,
            mode: task.mode,
            events,
          }),
          signal: controller.signal,
          processEnv: { [runMarker]: run.id },
          record,
          onTurnEnd: (step) => checkpoints.take(step),
          // The project's connectors, given to the agent through its own MCP configuration.
          ...(runtime.capabilities.mcp && connectors.length > 0 && { mcpServers: connectors }),
        },
        events,
      )
      if (waiting && !controller.signal.aborted) return await waitForPerson(waiting)
      const failure = errors.length > 0 ? `${task.agent}: ${errors.join('; ')}` : undefined
      return await finish({ cancelled: controller.signal.aborted, ...(failure && { failure }) })
    }
    const conversation = conversationFromEvents(events, run.threadId)
    // The connectors' tools beside the agent's own, under the same policy.
    await using connected = await connectConnectorTools(connectors)
    for (const failure of connected.failed) log.warn({ taskId: task.id }, failure)
    const tools = [...builtinTools, ...connected.tools]
    const result = await runAgentLoop(
      {
        model,
        // In plan mode the model is offered only what reads; the policy refuses the rest anyway.
        tools: task.mode === 'plan' ? tools.filter((tool) => tool.readOnly) : tools,
        sandbox,
        threadId: run.threadId,
        system: builtinSystemPrompt(sandbox.root, task.mode),
        signal: controller.signal,
        budget,
        onStepEnd: (step, wrote) => (wrote ? checkpoints.take(step) : Promise.resolve()),
        sharedBudget: () => dailyBudgetSpent(store, project.id, budget),
        processEnv: { [runMarker]: run.id },
        followUps,
        policy,
        record,
        redactor: deps.redactor,
        live,
      },
      conversation.messages,
      conversation,
    )
    if (result.outcome === 'cancelled') return await finish({ cancelled: true })
    if (result.outcome === 'ask' && result.approval) {
      // Paused, not failed: the decision queues the task again and a new run takes the call from here.
      const { callId, tool, input } = result.approval
      return await waitForPerson({ callId, tool, input, reason: result.reason ?? 'the policy asks' })
    }
    if (result.outcome === 'budget' || result.outcome === 'loop') {
      // Stopped cleanly: the work so far is kept, and a follow-up can continue it.
      return await finish({ cancelled: false, failure: `stopped: ${result.reason}` })
    }
    if (task.mode === 'plan') {
      // The plan is the last reply: it waits for a person, who approves it or says what to change.
      return await waitForPerson({
        callId: `plan-${run.id}`,
        tool: 'plan',
        input: { plan: result.finalText },
        reason: planWaitsReason,
        plan: result.finalText,
      })
    }
    await finish({ cancelled: false })
  } catch (error) {
    if (shutdown.aborted && !cancelledByUser) return
    // A database that cannot take writes (disk full) is no fault of the run, and could not record
    // its failure anyway: the run is left as it is, its lease runs out, and it is taken over and
    // resumed from its events once the database takes writes again.
    const storage = storageFailure(error)
    if (storage && !cancelledByUser) {
      log.error(
        { taskId: task.id, runId: run.id },
        `the run stopped, to resume by itself once the database works again: ${storage.message}`,
      )
      return
    }
    const reason = error instanceof CadreError ? error.message : `the run failed: ${(error as Error).message}`
    if (!(error instanceof CadreError))
      log.error({ err: error, taskId: task.id, runId: run.id }, 'run failed')
    if (cancelledByUser) await settle(store, 'cancelled', reason)
    else
      await commitEvents(deps, async (session, emit) => {
        await settle(session, 'failed', reason)
        await applyTaskAction(session, emit, task.id, 'fail', reason)
      }).catch(async () => {
        // The task cannot fail from where it is (it moved on meanwhile): the run ends all the same.
        await settle(store, 'failed', reason)
      })
  } finally {
    unsubscribe()
    shutdown.removeEventListener('abort', cancelOnShutdown)
  }
}
