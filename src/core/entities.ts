import { z } from 'zod'
import { AgentMode, ProjectSettings, SandboxOverride } from './settings.ts'
import { TaskStatus } from './task-status.ts'

const timestamp = z.iso.datetime().describe('ISO 8601, UTC')

export const Project = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string().describe('absolute path of the repository on the server'),
  settings: ProjectSettings,
  createdAt: timestamp,
  updatedAt: timestamp,
})
export type Project = z.infer<typeof Project>

export const Task = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  prompt: z.string(),
  status: TaskStatus,
  statusReason: z.string().nullable().describe('why the task is failed or cancelled, when it is'),
  agent: z
    .string()
    .describe('the agent that runs it; "compare" for a comparison, whose tasks run one agent each'),
  model: z.string().nullable(),
  mode: AgentMode,
  branch: z
    .string()
    .describe("the git branch the task works on ('' for a comparison: each of its tasks has its own)"),
  baseBranch: z
    .string()
    .nullable()
    .describe("the branch it starts from and merges into; null: the project's base branch"),
  parentId: z
    .string()
    .nullable()
    .describe('the comparison this task is one agent of (POST /api/tasks with agents); null for others'),
  sandbox: SandboxOverride.nullable().describe(
    "where its processes run, over the project's sandbox settings; null: the project's",
  ),
  buildId: z.string().nullable().describe('the autonomous build it works for; null for a task of its own'),
  lastSeq: z.number().int().describe('seq of the newest event of this task'),
  createdAt: timestamp,
  updatedAt: timestamp,
})
export type Task = z.infer<typeof Task>

export const Thread = z.object({
  id: z.string(),
  taskId: z.string(),
  title: z.string(),
  agentSessionId: z.string().nullable().describe("an external agent's own session id"),
  createdAt: timestamp,
})
export type Thread = z.infer<typeof Thread>

export const RunStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled'])
export type RunStatus = z.infer<typeof RunStatus>

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative().describe('input tokens read from the cache'),
  cacheWriteTokens: z.number().int().nonnegative().default(0).describe('input tokens written to the cache'),
  reasoningTokens: z.number().int().nonnegative().describe('output tokens spent reasoning'),
})
export type Usage = z.infer<typeof Usage>
/** Two usages added up. */
export const addUsage = (a: Usage, b: Usage): Usage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cachedTokens: a.cachedTokens + b.cachedTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  reasoningTokens: a.reasoningTokens + b.reasoningTokens,
})

export const zeroUsage: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
}

export const Run = z.object({
  id: z.string(),
  taskId: z.string(),
  threadId: z.string(),
  agent: z.string(),
  status: RunStatus,
  outcome: z.string().nullable(),
  workerId: z.string().nullable(),
  leaseExpiresAt: timestamp.nullable(),
  usage: Usage,
  costUsd: z.number().nonnegative(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
})
export type Run = z.infer<typeof Run>
