import type { EventInput, StoredEvent } from '../core/events/registry.ts'
import type { AgentMode } from '../core/settings.ts'
import type { ModelClient, ResolvedModel } from '../models/model-client.ts'
import type { AgentAction } from '../runtimes/agent-action.ts'
import type { AgentPolicy } from '../runtimes/agent-policy.ts'
import type { AgentRuntime, McpServerSpec, ToolCallRequest, ToolDecision } from '../runtimes/agent-runtime.ts'
import type { Workspace } from '../sandbox/sandbox.ts'
import type { Store } from '../store/store.ts'

export interface ExternalRunDeps {
  store: Store
  models: ModelClient
  runtime: AgentRuntime
  workspace: Workspace
  model: ResolvedModel
  taskId: string
  runId: string
  threadId: string
  /** The agent's own session, as the thread holds it (a follow-up or a restart continues it). */
  agentSessionId: string | null
  mode: AgentMode
  /** Cadre's policy, written into the configuration of a runtime that does not ask. */
  policy: AgentPolicy
  /** Cadre's policy over each tool call, for a runtime that asks (see `approveCalls`). */
  approve(call: ToolCallRequest): Promise<ToolDecision>
  signal: AbortSignal
  /** Added to the environment of the agent and everything it starts (marks them as this run's). */
  processEnv: Readonly<Record<string, string>>
  record(events: readonly EventInput[]): Promise<void>
  /** After each turn of the agent (its usage known): a checkpoint when files changed. */
  onTurnEnd(step: number): Promise<void>
  /** MCP servers to give the agent (the project's connectors). */
  mcpServers?: readonly McpServerSpec[]
}

/** A call waiting for a person, as the agent asked for it. */
export type WaitingCall = Extract<AgentAction, { type: 'approval' }>

/**
 * What the person said that the agent has not answered yet: the thread's messages after its last
 * turn, and their decisions on the calls it asked about (a plan's decision comes as a message).
 */
const unanswered = (events: readonly StoredEvent[], threadId: string): string => {
  let lastTurn = -1
  events.forEach((event, index) => {
    if (event.type === 'step.finished' && event.data.threadId === threadId) lastTurn = index
  })
  return events
    .slice(lastTurn + 1)
    .flatMap((event) => {
      if (event.type === 'message.user' && event.data.threadId === threadId) return [event.data.text]
      if (event.type !== 'approval.decided') return []
      const request = events.find(
        (candidate) =>
          candidate.type === 'approval.requested' &&
          candidate.data.approvalId === event.data.approvalId &&
          candidate.data.kind !== 'plan',
      )
      if (request?.type !== 'approval.requested') return []
      const call = `${request.data.tool} ${JSON.stringify(request.data.input)}`
      return [
        event.data.decision === 'allow'
          ? `The person approved ${call}: go ahead with it.`
          : `The person refused ${call}: do not make that call; find another way, or stop and say why.`,
      ]
    })
    .join('\n\n')
}

/**
 * One run of an external agent: the person's unanswered messages as a new session, or as a
 * follow-up in the agent's own session (after a restart too, when it resumes). What the agent does
 * is recorded in Cadre's events as it comes: its text as replies, each tool call started and
 * finished with its action kind, paths, command and exit code, each turn's usage and cost; its
 * session id kept on the thread. Returns the errors the agent reported.
 */
export const runExternalAgent = async (
  deps: ExternalRunDeps,
  events: readonly StoredEvent[],
): Promise<{ errors: string[]; waiting?: WaitingCall }> => {
  const { store, runtime, threadId, agentSessionId } = deps
  let session = agentSessionId
  const endpoint = await deps.models.endpoint(deps.model.id)
  const run = {
    taskId: deps.taskId,
    runId: deps.runId,
    workspace: deps.workspace,
    model: { model: endpoint.model, baseUrl: endpoint.baseUrl, apiKey: endpoint.apiKey },
    stateDir: deps.workspace.info.stateDir,
    mode: deps.mode,
    ...(runtime.capabilities.approvals ? { approve: deps.approve } : { policy: deps.policy }),
    // A workspace made anew (its old one was cleaned up) has lost the agent's session state with it.
    ...(agentSessionId && !deps.workspace.info.created && { sessionId: agentSessionId }),
    signal: deps.signal,
    env: deps.processEnv,
    ...(deps.mcpServers && { mcpServers: deps.mcpServers }),
  }
  const said = unanswered(events, threadId) || 'Continue where you left off.'
  const turn = run.sessionId ? runtime.followUp(run, said) : runtime.start(run, said)
  const errors: string[] = []
  let waiting: WaitingCall | undefined
  const started = new Map<string, number>()
  let step =
    events.filter((event) => event.type === 'step.finished' && event.data.threadId === threadId).length + 1
  for await (const action of turn) {
    switch (action.type) {
      case 'session':
        if (action.sessionId !== session) await store.threads.setAgentSession(threadId, action.sessionId)
        session = action.sessionId
        break
      case 'text':
        await deps.record([
          { type: 'message.assistant', data: { threadId, text: action.text, toolCalls: [] } },
        ])
        break
      case 'reasoning':
        await deps.record([
          { type: 'message.assistant', data: { threadId, text: '', reasoning: action.text, toolCalls: [] } },
        ])
        break
      case 'tool': {
        const { callId, tool, kind, paths, command } = action
        const opening: EventInput[] = started.has(callId)
          ? []
          : [
              {
                type: 'tool.started',
                data: { threadId, callId, tool, kind, ...(paths && { paths }), ...(command && { command }) },
              },
            ]
        if (!started.has(callId)) started.set(callId, performance.now())
        if (action.status === 'pending' || action.status === 'running') {
          if (opening.length > 0) await deps.record(opening)
          break
        }
        await deps.record([
          ...opening,
          {
            type: 'tool.finished',
            data: {
              threadId,
              callId,
              tool,
              output: action.output ?? '',
              // A command that did not exit 0 failed, whether or not its agent calls that an error.
              isError: action.status === 'error' || (action.exitCode !== undefined && action.exitCode !== 0),
              durationMs: Math.round(performance.now() - (started.get(callId) ?? performance.now())),
              kind,
              ...(paths && { paths }),
              ...(action.exitCode !== undefined && { exitCode: action.exitCode }),
            },
          },
        ])
        break
      }
      case 'usage':
        await deps.record([
          {
            type: 'step.finished',
            data: {
              threadId,
              step,
              model: deps.model.id,
              usage: action.usage,
              costUsd: action.costUsd ?? deps.model.cost(action.usage),
              finishReason: 'turn',
            },
          },
        ])
        await deps.onTurnEnd(step)
        step++
        break
      case 'error':
        errors.push(action.message)
        break
      case 'approval':
        waiting ??= action
        break
      case 'other':
        await deps.record([{ type: 'agent.other', data: { agent: runtime.name, raw: action.raw } }])
        break
    }
  }
  return { errors, ...(waiting && { waiting }) }
}
