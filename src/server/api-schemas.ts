import { z } from 'zod'
import { Project, Run, Task, Thread, Usage } from '../core/entities.ts'
import { StoredEventSchema } from '../core/events/registry.ts'
import { ErrorBody } from './error-responses.ts'

export const IdParam = z.object({ id: z.string().min(1).describe('the id, e.g. prj_… or tsk_…') })

/**
 * An http:// or https:// URL that is stored and shown in plain text, so it may not carry
 * credentials (`user:password@`; fetch refuses such a URL anyway); `instead` says where they go.
 */
export const PlainHttpUrl = (instead: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(2000)
    .refine(
      (url) => !URL.parse(url)?.username && !URL.parse(url)?.password,
      `must not carry credentials (user:password@): ${instead}`,
    )

export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  content: { 'application/json': { schema } },
  description,
})

export const jsonBody = <S extends z.ZodType>(schema: S) => ({
  content: { 'application/json': { schema } },
  required: true,
})

const errorResponse = (description: string) => json(ErrorBody, description)

/** The error responses a route can give, by status. */
export const errors = {
  400: errorResponse('invalid input: the message names the field at fault'),
  401: errorResponse('missing or wrong access token'),
  404: errorResponse('no such resource'),
  409: errorResponse('conflicts with the current state'),
} as const

export const ProjectList = z.object({ projects: z.array(Project) })
export const TaskList = z.object({ tasks: z.array(Task) })
export const TaskDetail = Task.extend({
  threads: z.array(Thread),
  runs: z.array(Run),
  usage: Usage.describe('all its runs together'),
  costUsd: z.number().nonnegative().describe('all its runs together, USD (steps of unknown price count 0)'),
  workspace: z
    .object({
      path: z.string().describe("the task's worktree on the server"),
      branch: z.string(),
      baseBranch: z.string(),
      exists: z.boolean().describe('false before its first run, and after it was cleaned up'),
    })
    .optional()
    .describe('absent for a comparison, which has none of its own'),
  children: z.array(Task).optional().describe("a comparison's tasks, one per agent"),
})
export const EventPage = z.object({
  events: z.array(StoredEventSchema),
  lastSeq: z.number().int().describe("the task's newest seq: more exist when it is past the last event here"),
})

export const FileDiff = z.object({
  path: z.string(),
  oldPath: z.string().optional().describe('where a renamed or copied file came from'),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type_changed']),
  additions: z.number().int().nullable().describe('null for a binary file'),
  deletions: z.number().int().nullable(),
  binary: z.boolean(),
  patch: z
    .string()
    .optional()
    .describe('unified diff; absent when the whole diff was too large (ask with ?path=)'),
})

export const WorkspaceDiff = z.object({
  from: z.string().describe('the commit compared against'),
  to: z.string().describe('the tree compared'),
  files: z.array(FileDiff),
  stats: z.object({ files: z.number().int(), additions: z.number().int(), deletions: z.number().int() }),
  suspicious: z.string().optional().describe('why this change should not be merged without a look'),
  truncated: z.boolean(),
})

export const Checkpoint = z.object({
  checkpoint: z.number().int(),
  seq: z.number().int().describe('where in the task log it was taken'),
  at: z.string(),
  step: z.number().int(),
  commit: z.string(),
  ref: z.string(),
})
