import { z } from 'zod'
import { Task, Usage } from '../core/entities.ts'
import { TaskStatus } from '../core/task-status.ts'

// What GET /api/tasks/{id}/compare answers: shared by the server, the CLI and the web UI.
const timestamp = z.iso.datetime()

export const CheckResult = z.object({
  command: z.string(),
  exitCode: z.number().int().nullable().describe('0: it passed; null when it was killed'),
  timedOut: z.boolean(),
  durationMs: z.number().int(),
  output: z.string().describe('the end of what it printed'),
  at: timestamp,
})

/** One agent's task of a comparison, in figures. */
export const ComparedTask = z.object({
  taskId: z.string(),
  agent: z.string(),
  model: z.string().nullable(),
  status: TaskStatus,
  statusReason: z.string().nullable(),
  branch: z.string(),
  runs: z.number().int().describe('how many runs it took (follow-ups and resumed approvals add one each)'),
  startedAt: timestamp.nullable().describe('when its first run started'),
  endedAt: timestamp.nullable().describe('when its last run ended; null while one runs'),
  durationMs: z
    .number()
    .int()
    .nullable()
    .describe('first run start to last run end (until now while one runs); null before any started'),
  usage: Usage.describe('all its runs together'),
  costUsd: z.number().nonnegative().describe('all its runs together, USD (steps of unknown price count 0)'),
  diff: z
    .object({ files: z.number().int(), additions: z.number().int(), deletions: z.number().int() })
    .nullable()
    .describe(
      'its changes against its base, as GET /api/tasks/{id}/diff counts them; null while it has no workspace (not started yet, or cleaned up)',
    ),
  check: CheckResult.nullable().describe("the check command's latest result; null when none ran"),
})
export type ComparedTask = z.infer<typeof ComparedTask>

export const TaskComparison = z.object({
  comparison: Task,
  checkCommand: z.string().nullable().describe("the project's checkCommand, run after each agent finishes"),
  children: z.array(ComparedTask).describe('one per agent, in the order they were given'),
})
export type TaskComparison = z.infer<typeof TaskComparison>
