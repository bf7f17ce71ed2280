import { z } from 'zod'
import { AgentMode, AgentName } from './settings.ts'

/**
 * running: agents work on features; pausing: no new feature starts, those at work finish;
 * paused; waiting: nothing left a machine can do, the rest waits for people; finished: every
 * feature passes (or was skipped) and the last regression check passed; stopped; failed.
 */
export const BuildStatus = z.enum([
  'running',
  'pausing',
  'paused',
  'waiting',
  'finished',
  'stopped',
  'failed',
])
export type BuildStatus = z.infer<typeof BuildStatus>

/** Statuses a build leaves only by a person's word (resume) or never. */
export const settledBuildStatuses: readonly BuildStatus[] = ['finished', 'stopped', 'failed']

/** An autonomous build of a project: its feature list worked through by agents on a branch of its own. */
export const Build = z.object({
  id: z.string(),
  projectId: z.string(),
  status: BuildStatus,
  statusReason: z.string().nullable().describe('why it waits, pauses, stopped or failed'),
  pausedBy: z
    .enum(['person', 'schedule'])
    .nullable()
    .describe("who paused it: a build paused by the project's schedule resumes on its own"),
  branch: z.string().describe('where passing features are merged, one after the other'),
  fromBranch: z.string().describe('the branch it started from'),
  concurrency: z.number().int().describe('agents at work at once at most'),
  agent: z.string(),
  model: z.string().nullable(),
  mode: AgentMode,
  maxAttempts: z.number().int().describe('tries of a feature before it is handed to a person'),
  regressionEvery: z
    .number()
    .int()
    .describe(
      "merges after which passing features' checks run again on the build branch (0: only at the end)",
    ),
  initializerTaskId: z.string().nullable().describe('the task that wrote the feature list from the spec'),
  mergesSinceRegression: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Build = z.infer<typeof Build>

export const StartBuildInput = z.object({
  concurrency: z.number().int().min(1).max(16).default(2),
  agent: AgentName.optional().describe("defaults to the project's default agent"),
  model: z.string().min(1).max(200).optional().describe("defaults to the project's default model"),
  mode: AgentMode.default('auto').describe('auto by default: nobody is there to approve calls'),
  maxAttempts: z.number().int().min(1).max(20).default(3),
  regressionEvery: z.number().int().min(0).max(1000).default(1),
})
export type StartBuildInput = z.input<typeof StartBuildInput>

/** The build's share of the feature list: what `build.progress` tells. */
export const BuildProgress = z.object({
  buildId: z.string(),
  status: BuildStatus,
  passing: z.number().int(),
  inProgress: z.number().int(),
  needsHuman: z.number().int(),
  total: z.number().int().describe('features not skipped'),
  percentage: z.number().int(),
})
export type BuildProgress = z.infer<typeof BuildProgress>
