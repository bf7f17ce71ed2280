import type { AgentMode, PolicyRule, PolicySettings } from '../core/settings.ts'

/** One rule an agent's own configuration can hold: a glob over a command line or a path. */
export interface AgentRule {
  pattern: string
  action: 'allow' | 'deny'
}

/**
 * Cadre's policy as an agent that cannot ask Cadre before each call must be told it: rules for
 * commands and for file edits, in Cadre's order (the first that matches decides), then a default.
 */
export interface AgentPolicy {
  commands: AgentRule[]
  commandDefault: 'allow' | 'deny'
  edits: AgentRule[]
  editDefault: 'allow' | 'deny'
}

const commandTools = new Set(['bash', '*'])
const editTools = new Set(['write_file', 'edit_file', '*'])

/**
 * The policy an agent without approvals is configured with, in the order Cadre itself decides
 * (a global deny, then the project's rules, then the global ones, then the project's default). No
 * person can be asked during such a run: `ask` refuses, except in auto mode, which never asks.
 */
export const agentPolicy = (
  policy: PolicySettings,
  globalRules: readonly PolicyRule[],
  mode: AgentMode,
): AgentPolicy => {
  const settle = (action: PolicyRule['action']): AgentRule['action'] =>
    action === 'allow' || (action === 'ask' && mode === 'auto') ? 'allow' : 'deny'
  const ordered = [
    ...globalRules.filter((rule) => rule.action === 'deny'),
    ...policy.rules,
    ...globalRules.filter((rule) => rule.action !== 'deny'),
  ]
  const rulesFor = (tools: Set<string>) =>
    ordered
      .filter((rule) => tools.has(rule.tool))
      .map((rule) => ({ pattern: rule.pattern ?? '*', action: settle(rule.action) }))
  return {
    commands: rulesFor(commandTools),
    commandDefault: settle(policy.default),
    edits: rulesFor(editTools),
    editDefault: settle(policy.default),
  }
}

/**
 * The command prefixes an agent that only knows "commands starting with…" must refuse: each deny
 * cut at its first wildcard, and the empty prefix (every command) when commands are refused by
 * default. An allow placed first to make an exception to a deny cannot be said so: the deny holds.
 */
export const deniedCommandPrefixes = (policy: AgentPolicy): string[] => [
  ...new Set([
    ...policy.commands.flatMap((rule) =>
      rule.action === 'deny' ? [rule.pattern.split(/[*?]/)[0]?.trim() ?? ''] : [],
    ),
    ...(policy.commandDefault === 'deny' ? [''] : []),
  ]),
]

/**
 * Rules in Cadre's order as globs for an agent where the last matching rule wins (OpenCode): the
 * default first, then the rules reversed, each pattern said once (its first occurrence is the one
 * that decides in Cadre; none after a `*`). A bare word matches the program run, with or without
 * arguments.
 */
export const lastMatchWins = (rules: readonly AgentRule[], fallback: AgentRule['action']) => {
  const decided = new Map<string, AgentRule['action']>()
  for (const rule of rules) {
    const patterns = /^[\w.-]+$/.test(rule.pattern) ? [rule.pattern, `${rule.pattern} *`] : [rule.pattern]
    for (const pattern of patterns) if (!decided.has(pattern)) decided.set(pattern, rule.action)
    if (rule.pattern === '*') break // it matches everything: no rule after it ever decides
  }
  return Object.fromEntries([
    ['*', decided.get('*') ?? fallback],
    ...[...decided].reverse().filter(([pattern]) => pattern !== '*'),
  ])
}
