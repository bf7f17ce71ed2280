import { z } from 'zod'
import { BuildSchedule } from './build-schedule.ts'
import { CadreError, validationError } from './errors.ts'

export const AgentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'an agent name is lower-case letters, digits and dashes, e.g. "builtin"')

/**
 * How much an agent may do without asking: plan (read-only tools, ends with a plan), default (asks
 * where the policy says ask), or auto (never asks; what would ask is allowed, denials still hold).
 */
export const AgentMode = z.enum(['plan', 'default', 'auto'])
export type AgentMode = z.infer<typeof AgentMode>

export const SandboxSettings = z.strictObject({
  kind: z.enum(['worktree', 'docker', 'kubernetes']).default('worktree'),
  image: z.string().min(1).optional(),
  memoryMb: z.number().int().min(64).optional(),
  cpus: z.number().positive().max(256).optional(),
  pids: z.number().int().min(16).optional(),
  network: z.enum(['off', 'on']).default('on'),
  deadlineHours: z
    .number()
    .positive()
    .max(24 * 30)
    .optional()
    .describe(
      "kubernetes: how long a task's pod may live (default 24); it is made again after, nothing lost",
    ),
  secrets: z
    .array(z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes Secret name'))
    .max(50)
    .optional()
    .describe("kubernetes: Secrets in Cadre's namespace whose keys become the environment of the task's pod"),
})

/** A task's own word on where its processes run, over its project's sandbox settings. */
export const SandboxOverride = SandboxSettings.partial()
export type SandboxOverride = z.infer<typeof SandboxOverride>

export const PolicyRule = z.strictObject({
  tool: z.string().min(1).describe('tool name, or * for every tool'),
  pattern: z.string().min(1).optional().describe('glob matched against a command line or path'),
  action: z.enum(['allow', 'ask', 'deny']),
})

export type PolicyRule = z.infer<typeof PolicyRule>

export const PolicySettings = z.strictObject({
  default: z.enum(['allow', 'ask', 'deny']).default('allow'),
  rules: z.array(PolicyRule).max(500).default([]),
})
export type PolicySettings = z.infer<typeof PolicySettings>

/** Rules for every project: a matching deny always holds; the others apply where a project's rules say nothing. */
export const GlobalPolicy = z.strictObject({
  rules: z.array(PolicyRule).max(500).default([]),
})

/** Limits on one run of an agent; reaching one ends the run cleanly, saying which. */
export const RunBudget = z.strictObject({
  maxSteps: z.number().int().min(1).max(10_000).default(100).describe('model calls'),
  maxTokens: z.number().int().min(1).optional().describe('input and output tokens, all steps together'),
  maxCostUsd: z.number().positive().optional(),
  maxMinutes: z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .optional()
    .describe('wall time'),
  dailyCostUsd: z
    .number()
    .positive()
    .optional()
    .describe("all the project's runs together, per UTC day; a run stops when the day's spend reaches it"),
})
export type RunBudget = z.infer<typeof RunBudget>

/**
 * A path inside the repository, as the project's settings name one: relative, no `.` or `..`, no
 * git directory anywhere in it (a submodule's would break git there); kept without a trailing
 * slash (which would make a link to a folder be followed).
 */
const WorkspaceCopyPath = z
  .string()
  .min(1)
  .max(1000)
  .transform((path) => path.replace(/\/+$/, ''))
  .refine((path) => {
    const parts = path.split('/')
    return (
      !path.startsWith('/') &&
      !parts.some((part) => ['', '.', '..'].includes(part) || part.toLowerCase() === '.git')
    )
  }, 'a path inside the repository, e.g. node_modules or .env.local (not absolute, no "." or "..", no .git)')

/** Everything that can be set on a project; every field has a default so `{}` is valid. */
export const ProjectSettings = z.object({
  defaultAgent: AgentName.default('builtin'),
  defaultModel: z.string().min(1).max(200).optional(),
  defaultMode: AgentMode.default('auto'),
  baseBranch: z.string().min(1).max(250).optional().describe('defaults to the branch checked out when added'),
  setupScript: z.string().max(100_000).optional(),
  copyIntoWorkspace: z
    .array(WorkspaceCopyPath)
    .max(50)
    .optional()
    .describe(
      "files and folders of the project's own checkout, usually ignored by git (node_modules, .env.local), copied into each new workspace before its setup script — copy-on-write where the disk can — so it starts warm",
    ),
  checkCommand: z.string().max(10_000).optional(),
  devCommand: z
    .string()
    .max(10_000)
    .optional()
    .describe(
      'serves the app for live preview; it gets its port as $PORT (e.g. "npm run dev -- --port $PORT")',
    ),
  previewErrorsToAgent: z
    .boolean()
    .default(true)
    .describe("errors the previewed page throws are sent to the task's agent as a follow-up"),
  sandbox: SandboxSettings.default({ kind: 'worktree', network: 'on' }),
  policy: PolicySettings.default({ default: 'allow', rules: [] }),
  budget: RunBudget.default({ maxSteps: 100 }),
  buildSchedule: BuildSchedule.optional().describe(
    'when its autonomous builds may run; outside it they pause and resume on their own (default: any time)',
  ),
})
export type ProjectSettings = z.infer<typeof ProjectSettings>

/** Settings that apply to the whole server. */
/** Folders no sandboxed program can do without. */
const systemFolders = new Set([
  '/',
  '~',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/etc',
  '/dev',
  '/proc',
  '/var',
  '/run',
  '/opt',
])

export const GlobalSettings = z.object({
  defaultAgent: AgentName.default('builtin'),
  defaultModel: z.string().min(1).max(200).optional(),
  maxConcurrentRuns: z.number().int().min(1).max(1000).default(4),
  worktreeRoot: z.string().min(1).optional().describe('defaults to $CADRE_HOME/worktrees (read at start-up)'),
  hiddenPaths: z
    .array(
      z
        .string()
        .regex(/^~?\//, 'an absolute path, or one starting with ~/')
        .max(4096)
        .refine(
          (path) => !systemFolders.has(path.replace(/(.)\/+$/, '$1')),
          'a folder every program needs (/, /usr, /bin, /lib, /etc, …): hiding it would stop every command',
        ),
    )
    .max(100)
    .default([])
    .describe(
      "more places hidden from agents' sandboxed processes (from their next run on), besides Cadre's home and the user's credential stores (~/.ssh, ~/.aws, ~/.config/gh and the like)",
    ),
  worktreeRetentionDays: z
    .number()
    .min(0)
    .max(3650)
    .default(7)
    .describe(
      'worktrees of done and cancelled tasks are removed this long after they finished; their work is kept',
    ),
  policy: GlobalPolicy.default({ rules: [] }),
})
export type GlobalSettings = z.infer<typeof GlobalSettings>

/** A settings patch: any subset of keys; objects merge key by key, `null` resets a key to its default. */
export const SettingsPatch = z.record(
  z
    .string()
    .refine((key) => !forbiddenKeys.has(key), { error: (issue) => `"${issue.input}" is not a setting` }),
  z.unknown(),
)
export type SettingsPatch = z.infer<typeof SettingsPatch>

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

// Keys that would reach an object's prototype instead of a setting.
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype'])

const mergePatch = (current: Record<string, unknown>, patch: Record<string, unknown>) => {
  const merged: Record<string, unknown> = { ...current }
  for (const [key, value] of Object.entries(patch)) {
    if (forbiddenKeys.has(key)) throw new CadreError('validation_failed', `"${key}" is not a setting`)
    if (value === null) delete merged[key]
    else if (isPlainObject(value) && isPlainObject(merged[key])) merged[key] = mergePatch(merged[key], value)
    else merged[key] = value
  }
  return merged
}

/**
 * Applies a patch to stored settings and validates the result against the full schema, so a bad
 * value is refused with the path of the field at fault and nothing stored changes.
 */
export const patchSettings = <S extends z.ZodObject>(
  schema: S,
  current: z.infer<S>,
  patch: SettingsPatch,
): z.infer<S> => {
  const unknownKeys = Object.keys(patch).filter((key) => !Object.hasOwn(schema.shape, key))
  if (unknownKeys.length > 0) {
    throw new CadreError(
      'validation_failed',
      `unknown setting ${unknownKeys.map((k) => `"${k}"`).join(', ')}`,
      {
        details: { known: Object.keys(schema.shape) },
      },
    )
  }
  const result = schema.strict().safeParse(mergePatch(current, patch))
  if (!result.success) throw validationError(result.error, 'settings')
  return result.data as z.infer<S>
}
