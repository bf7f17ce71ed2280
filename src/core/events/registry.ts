import { z } from 'zod'
import { ActionKind } from '../action-kind.ts'
import { Usage } from '../entities.ts'
import { AgentMode } from '../settings.ts'
import { TaskStatus, taskActions } from '../task-status.ts'
import { buildEventDefinitions } from './build-events.ts'
import { defineEvent } from './define-event.ts'
import { liveEventDefinitions } from './live-events.ts'
import { previewEventDefinitions } from './preview-events.ts'

/** Every event type Cadre knows, defined once; stream schemas and client types derive from this list. */
export const eventDefinitions = [
  defineEvent(
    'task.created',
    z.object({
      title: z.string(),
      prompt: z.string(),
      agent: z.string(),
      model: z.string().nullable(),
      mode: AgentMode,
      status: TaskStatus,
    }),
    { durable: true, description: 'The task was created with this prompt and configuration.' },
  ),
  defineEvent(
    'task.status_changed',
    z.object({
      from: TaskStatus,
      to: TaskStatus,
      action: z.enum(taskActions),
      reason: z.string().optional(),
    }),
    { durable: true, description: 'The task moved from one status to another.' },
  ),
  defineEvent('thread.created', z.object({ threadId: z.string(), title: z.string() }), {
    durable: true,
    description: 'A new conversation was opened in the task.',
  }),
  defineEvent('message.user', z.object({ threadId: z.string(), text: z.string() }), {
    durable: true,
    description: 'A person sent a message to a thread of the task.',
  }),
  defineEvent(
    'message.assistant',
    z.object({
      threadId: z.string(),
      text: z.string(),
      reasoning: z.string().optional().describe('what the model showed of its reasoning'),
      toolCalls: z
        .array(z.object({ callId: z.string(), tool: z.string(), input: z.unknown() }))
        .describe('the tools the model asked to run, in order; each is then tool.started and tool.finished'),
    }),
    {
      durable: true,
      description:
        'One completed model reply in a thread: its text (streamed before as deltas) and the tool calls it made.',
    },
  ),
  defineEvent(
    'tool.started',
    z.object({
      threadId: z.string(),
      callId: z.string(),
      tool: z.string(),
      kind: ActionKind.optional().describe('what the call does (absent in logs from before kinds existed)'),
      paths: z.array(z.string()).optional().describe('the files it reads or changes'),
      command: z.string().optional().describe('the command line it runs'),
    }),
    {
      durable: true,
      description: 'A tool call is about to run (stored first: after a crash it is known to have started).',
    },
  ),
  defineEvent(
    'tool.process',
    z.object({
      threadId: z.string(),
      callId: z.string(),
      processGroup: z.number().int().positive(),
      host: z.string().describe('the machine it runs on'),
    }),
    {
      durable: true,
      description:
        'A tool started a process group; if its server dies, the group is ended before the run resumes.',
    },
  ),
  defineEvent(
    'tool.finished',
    z.object({
      threadId: z.string(),
      callId: z.string(),
      tool: z.string(),
      output: z.string().describe('what the model is given back'),
      isError: z.boolean(),
      kind: ActionKind.optional(),
      paths: z.array(z.string()).optional(),
      exitCode: z
        .number()
        .int()
        .nullable()
        .optional()
        .describe("a command's exit code (null: ended by a signal)"),
      durationMs: z.number().int().nonnegative(),
    }),
    { durable: true, description: 'A tool call ended; its output goes back to the model.' },
  ),
  defineEvent(
    'step.finished',
    z.object({
      threadId: z.string(),
      step: z.number().int().positive(),
      model: z.string(),
      usage: Usage,
      costUsd: z.number().nonnegative().nullable().describe("null when the model's price is unknown"),
      finishReason: z.string(),
    }),
    { durable: true, description: 'One model call of a run ended, with its token usage and cost.' },
  ),
  defineEvent(
    'step.retrying',
    z.object({
      threadId: z.string(),
      step: z.number().int().positive(),
      attempt: z.number().int().positive().describe('the attempt that failed, from 1'),
      delayMs: z.number().int().nonnegative(),
      reason: z.string(),
    }),
    {
      durable: true,
      description:
        'A model call failed in a way worth retrying (rate limit, overload, a dropped stream); it is tried again after delayMs.',
    },
  ),
  defineEvent(
    'approval.requested',
    z.object({
      threadId: z.string(),
      approvalId: z.string().describe('the tool call it is about, or the plan'),
      kind: z
        .literal('plan')
        .optional()
        .describe('plan: a plan-mode run\'s plan (tool "plan", input {plan}); absent: a tool call'),
      tool: z.string(),
      input: z.unknown(),
      reason: z.string().describe('which rule asked'),
    }),
    {
      durable: true,
      description: 'A tool call or a plan waits for a person to allow or deny it; the task needs input.',
    },
  ),
  defineEvent(
    'approval.decided',
    z.object({
      approvalId: z.string(),
      decision: z.enum(['allow', 'deny']),
      remember: z.boolean().describe("allowed from now on by a rule added to the project's policy"),
      mode: AgentMode.optional().describe('a plan allowed: the mode the task carries it out in'),
    }),
    { durable: true, description: 'A person allowed or denied a tool call; the task goes on.' },
  ),
  defineEvent(
    'workspace.ready',
    z.object({
      kind: z
        .enum(['worktree', 'docker', 'kubernetes'])
        .describe(
          "docker: the worktree, mounted into the task's container; kubernetes: a clone in the task's pod",
        ),
      path: z.string().describe('where it is on the machine that runs the task'),
      branch: z.string(),
      baseBranch: z.string(),
      isolation: z.enum(['bubblewrap', 'container', 'none']),
      network: z.enum(['on', 'off']),
      warning: z
        .string()
        .optional()
        .describe('what the user should know, e.g. that processes are not isolated'),
    }),
    { durable: true, description: "The task's workspace was made." },
  ),
  defineEvent(
    'workspace.copied',
    z.object({
      paths: z.array(
        z.object({
          path: z.string().describe("as the project's copyIntoWorkspace names it"),
          copied: z.boolean(),
          note: z
            .string()
            .optional()
            .describe('why it was not copied: not in the checkout, already in the workspace, …'),
          durationMs: z.number().int().nonnegative().optional(),
        }),
      ),
      durationMs: z.number().int().nonnegative(),
    }),
    {
      durable: true,
      description:
        "The project's copyIntoWorkspace paths were copied from its checkout into a new workspace, before its setup script.",
    },
  ),
  defineEvent(
    'setup.finished',
    z.object({
      script: z.string().describe('.cadre/setup.sh, or the project settings'),
      exitCode: z.number().int().nullable().describe('null when it was killed (timeout, cancel)'),
      durationMs: z.number().int().nonnegative(),
      output: z.string().describe('the end of what it printed'),
    }),
    {
      durable: true,
      description: "The project's setup script ran in a new workspace; a failure fails the task.",
    },
  ),
  ...previewEventDefinitions,
  defineEvent(
    'check.finished',
    z.object({
      command: z.string().describe("the project's checkCommand"),
      exitCode: z
        .number()
        .int()
        .nullable()
        .describe('0: it passed; null when it was killed (timeout, cancel)'),
      timedOut: z.boolean(),
      durationMs: z.number().int().nonnegative(),
      output: z.string().describe('the end of what it printed'),
    }),
    {
      durable: true,
      description:
        "The project's check command ran in the workspace after the agent finished; its result is shown, it does not fail the task.",
    },
  ),
  defineEvent(
    'compare.created',
    z.object({
      children: z.array(z.object({ taskId: z.string(), agent: z.string(), model: z.string().nullable() })),
    }),
    {
      durable: true,
      description: 'The comparison was created with one child task per agent, each on its own branch.',
    },
  ),
  defineEvent(
    'compare.child_changed',
    z.object({
      childId: z.string(),
      agent: z.string(),
      from: TaskStatus,
      to: TaskStatus,
      reason: z.string().optional(),
    }),
    {
      durable: true,
      description:
        "One of the comparison's children changed status (its own log has the details); the comparison's status follows.",
    },
  ),
  defineEvent(
    'checkpoint.created',
    z.object({
      checkpoint: z.number().int().nonnegative().describe('0: the workspace as it was made; then 1, 2, 3 …'),
      ref: z.string().describe('the hidden ref holding it, refs/cadre/<task>/<n>'),
      commit: z.string(),
      tree: z.string(),
      head: z.string().describe("the task branch's commit it was taken on"),
      step: z.number().int().nonnegative().describe('the agent step it followed (0: none)'),
    }),
    {
      durable: true,
      description:
        'The whole workspace (untracked files too) was saved after a step that changed it; rollback and fork start from one.',
    },
  ),
  defineEvent(
    'task.committed',
    z.object({ commit: z.string(), message: z.string(), files: z.number().int().nonnegative() }),
    { durable: true, description: "The task's changes were committed on its branch." },
  ),
  defineEvent(
    'task.merged',
    z.object({
      strategy: z.enum(['merge', 'squash', 'rebase']),
      baseBranch: z.string(),
      commit: z.string().describe('the base branch after the merge'),
    }),
    { durable: true, description: "The task's work was merged into its base branch." },
  ),
  defineEvent(
    'merge.conflicted',
    z.object({
      strategy: z.enum(['merge', 'squash', 'rebase']),
      baseBranch: z.string(),
      files: z.array(z.string()),
    }),
    {
      durable: true,
      description:
        'Merging conflicted and was undone; the task needs input (a follow-up lets the agent resolve it).',
    },
  ),
  defineEvent(
    'task.discarded',
    z.object({
      archiveRef: z.string().describe('where the discarded work can still be found'),
      commit: z.string(),
    }),
    { durable: true, description: "The task's changes were thrown away, kept under an archive ref." },
  ),
  defineEvent(
    'task.rolled_back',
    z.object({
      checkpoint: z.number().int().nonnegative(),
      toSeq: z
        .number()
        .int()
        .positive()
        .describe('the conversation goes on from here; later events stay in the log'),
    }),
    {
      durable: true,
      description: "The workspace was put back to a checkpoint, and the agent's conversation with it.",
    },
  ),
  defineEvent(
    'task.forked',
    z.object({
      fromTaskId: z.string(),
      checkpoint: z.number().int().nonnegative(),
      commit: z.string().describe('the checkpoint its branch starts from'),
    }),
    { durable: true, description: "This task was forked from another task's checkpoint." },
  ),
  defineEvent(
    'workspace.removed',
    z.object({
      path: z.string(),
      branch: z.string().describe('the task branch, kept'),
      archiveRef: z.string().optional().describe('where changes never committed were saved'),
      freedBytes: z.number().int().nonnegative(),
    }),
    {
      durable: true,
      description: "The task's worktree was cleaned up; its work is on its branch (and archive ref).",
    },
  ),
  defineEvent(
    'agent.other',
    z.object({ agent: z.string(), raw: z.unknown().describe('the message as the agent printed it') }),
    {
      durable: true,
      description: 'An external agent printed something Cadre does not know how to read; kept whole.',
    },
  ),
  ...liveEventDefinitions,
  ...buildEventDefinitions,
] as const

type Definitions = (typeof eventDefinitions)[number]
export type EventType = Definitions['type']
export type DurableEventType = Extract<Definitions, { durable: true }>['type']
export type LiveEventType = Extract<Definitions, { durable: false }>['type']

type DataOf<T extends EventType> = z.infer<Extract<Definitions, { type: T }>['data']>

/** What a producer hands in: a type and its payload. */
export type EventInput<T extends EventType = EventType> = { [K in T]: { type: K; data: DataOf<K> } }[T]

const definitionsByType = new Map<string, Definitions>(eventDefinitions.map((d) => [d.type, d]))

export const eventDefinition = (type: string): Definitions | undefined => definitionsByType.get(type)

const envelope = {
  taskId: z.string(),
  projectId: z.string(),
  at: z.iso.datetime(),
}

const envelopes = <D extends Definitions>(definitions: readonly D[], withSeq: boolean) =>
  definitions.map((d) =>
    z
      .object({
        ...envelope,
        ...(withSeq ? { seq: z.number().int().positive() } : {}),
        type: z.literal(d.type),
        data: d.data,
      })
      .describe(d.description),
  )

const durableDefinitions = eventDefinitions.filter((d) => d.durable)
const liveDefinitions = eventDefinitions.filter((d) => !d.durable)

/** A stored event: per-task seq (1, 2, 3 …), the only resume cursor. */
export const StoredEventSchema = z.discriminatedUnion(
  'type',
  envelopes(durableDefinitions, true) as unknown as [z.ZodObject, ...z.ZodObject[]],
)
/** A live-only event, broadcast to subscribers and never stored. */
export const LiveEventSchema = z.discriminatedUnion(
  'type',
  envelopes(liveDefinitions, false) as unknown as [z.ZodObject, ...z.ZodObject[]],
)

interface Envelope {
  taskId: string
  projectId: string
  at: string
}
export type StoredEvent = {
  [T in DurableEventType]: Envelope & { seq: number } & EventInput<T>
}[DurableEventType]
export type LiveEvent = { [T in LiveEventType]: Envelope & EventInput<T> }[LiveEventType]
export type CadreEvent = StoredEvent | LiveEvent

export const isStoredEvent = (event: CadreEvent): event is StoredEvent => 'seq' in event
