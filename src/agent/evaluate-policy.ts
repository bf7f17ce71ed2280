import { matchesGlob } from 'node:path'
import type { AgentMode, PolicyRule, PolicySettings } from '../core/settings.ts'
import type { Tool } from './tools/define-tool.ts'

export type PolicyDecision = { action: 'allow' } | { action: 'ask' | 'deny'; reason: string }

/** What a rule's pattern is matched against: a command line, or a path. */
const subjectOf = (input: unknown): { command: string } | { path: string } | undefined => {
  const fields = input as { command?: unknown; path?: unknown } | null
  if (typeof fields?.command === 'string') return { command: fields.command.trim() }
  if (typeof fields?.path === 'string') return { path: fields.path }
  return undefined
}

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  )

// A command pattern's `*` matches anything (slashes too); a bare word matches the program run.
// A path pattern is a glob, `**` for any depth.
const matches = (pattern: string, subject: NonNullable<ReturnType<typeof subjectOf>>) =>
  'command' in subject
    ? wildcard(pattern).test(subject.command) || subject.command.split(/\s+/)[0] === pattern
    : matchesGlob(subject.path, pattern)

const describeRule = (rule: PolicyRule) =>
  `the rule ${rule.tool}${rule.pattern ? ` ${JSON.stringify(rule.pattern)}` : ''}`

/**
 * Whether a tool call may run. Plan mode allows only read-only tools. Otherwise a matching deny of
 * the global policy holds whatever a project says; then the first matching rule of the project's
 * policy (tool name or `*`, and a glob over the command line or path) decides; then the first of
 * the global rules; then the project's default. `auto` mode never asks: what would ask is allowed.
 */
export const evaluatePolicy = (
  policy: PolicySettings,
  mode: AgentMode,
  tool: Pick<Tool, 'name' | 'readOnly'>,
  input: unknown,
  globalRules: readonly PolicyRule[] = [],
): PolicyDecision => {
  if (mode === 'plan' && !tool.readOnly) {
    return {
      action: 'deny',
      reason: `${tool.name} changes things, and this task is in plan mode: only read, then propose a plan`,
    }
  }
  const subject = subjectOf(input)
  const applies = (candidate: PolicyRule) =>
    (candidate.tool === '*' || candidate.tool === tool.name) &&
    (candidate.pattern === undefined || (subject !== undefined && matches(candidate.pattern, subject)))
  const globalDeny = globalRules.find((rule) => rule.action === 'deny' && applies(rule))
  const projectRule = globalDeny ? undefined : policy.rules.find(applies)
  const globalRule = globalDeny ?? (projectRule ? undefined : globalRules.find(applies))
  const rule = projectRule ?? globalRule
  const action = rule?.action ?? policy.default
  if (action === 'allow' || (action === 'ask' && mode === 'auto')) return { action: 'allow' }
  const which = rule
    ? `${describeRule(rule)} of the ${rule === globalRule ? 'global' : "project's"} policy`
    : "the default of the project's policy"
  return { action, reason: `${which} says ${action} for ${tool.name}` }
}
