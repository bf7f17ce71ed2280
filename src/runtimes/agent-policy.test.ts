import { describe, expect, it } from 'vitest'
import { PolicySettings } from '../core/settings.ts'
import { agentPolicy, deniedCommandPrefixes, lastMatchWins } from './agent-policy.ts'

const project = PolicySettings.parse({
  default: 'allow',
  rules: [
    { tool: 'bash', pattern: 'rm -i *', action: 'allow' },
    { tool: 'bash', pattern: 'git push*', action: 'ask' },
    { tool: 'bash', pattern: 'rm', action: 'deny' },
    { tool: 'write_file', pattern: '.env', action: 'deny' },
  ],
})
const global = [
  { tool: 'bash', pattern: 'curl *', action: 'deny' as const },
  { tool: '*', pattern: 'sudo *', action: 'ask' as const },
]

describe("Cadre's policy for an agent that cannot ask", () => {
  it('keeps Cadre order (a global deny first), and settles asks: refused, or allowed in auto mode', () => {
    const policy = agentPolicy(project, global, 'default')
    expect(policy.commands).toEqual([
      { pattern: 'curl *', action: 'deny' },
      { pattern: 'rm -i *', action: 'allow' },
      { pattern: 'git push*', action: 'deny' },
      { pattern: 'rm', action: 'deny' },
      { pattern: 'sudo *', action: 'deny' },
    ])
    expect(policy.edits).toEqual([
      { pattern: '.env', action: 'deny' },
      { pattern: 'sudo *', action: 'deny' },
    ])
    expect(policy.commandDefault).toBe('allow')
    const auto = agentPolicy(project, global, 'auto')
    expect(auto.commands.find((rule) => rule.pattern === 'git push*')?.action).toBe('allow')
  })

  it('gives prefix-only agents every denied prefix, and the empty one when commands are refused by default', () => {
    expect(deniedCommandPrefixes(agentPolicy(project, global, 'default'))).toEqual([
      'curl',
      'git push',
      'rm',
      'sudo',
    ])
    const closed = PolicySettings.parse({
      default: 'deny',
      rules: [{ tool: 'bash', pattern: 'npm test', action: 'allow' }],
    })
    expect(deniedCommandPrefixes(agentPolicy(closed, [], 'default'))).toEqual([''])
  })

  it('turns first-match-wins rules into last-match-wins globs with the same outcome', () => {
    const { commands, commandDefault } = agentPolicy(project, global, 'default')
    expect(lastMatchWins(commands, commandDefault)).toEqual({
      '*': 'allow',
      'sudo *': 'deny',
      'rm *': 'deny',
      rm: 'deny',
      'git push*': 'deny',
      'rm -i *': 'allow',
      'curl *': 'deny',
    })
    // Nothing after a rule for every command decides.
    const rules = [
      { pattern: '*', action: 'deny' as const },
      { pattern: 'npm *', action: 'allow' as const },
    ]
    expect(lastMatchWins(rules, 'allow')).toEqual({ '*': 'deny' })
  })
})
