import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoopHarness } from '../../test/support/agent-loop-harness.ts'
import { PolicySettings } from '../core/settings.ts'
import { evaluatePolicy } from './evaluate-policy.ts'

const bash = { name: 'bash', readOnly: false }
const read = { name: 'read_file', readOnly: true }
const policy = PolicySettings.parse({
  default: 'allow',
  rules: [
    { tool: 'bash', pattern: 'rm -rf *', action: 'deny' },
    { tool: 'bash', pattern: 'git push*', action: 'ask' },
    { tool: 'write_file', pattern: '.github/**', action: 'ask' },
    { tool: 'bash', pattern: 'curl', action: 'deny' },
  ],
})

describe('policy', () => {
  it('lets the first matching rule decide, by tool and by a glob over the command or path', () => {
    expect(evaluatePolicy(policy, 'default', bash, { command: 'rm -rf /tmp/x' })).toMatchObject({
      action: 'deny',
    })
    expect(evaluatePolicy(policy, 'default', bash, { command: 'git push origin main' })).toMatchObject({
      action: 'ask',
      reason: `the rule bash "git push*" of the project's policy says ask for bash`,
    })
    expect(evaluatePolicy(policy, 'default', bash, { command: 'curl https://example.com' })).toMatchObject({
      action: 'deny',
    })
    expect(
      evaluatePolicy(
        policy,
        'default',
        { name: 'write_file', readOnly: false },
        { path: '.github/workflows/ci.yml' },
      ),
    ).toMatchObject({
      action: 'ask',
    })
    expect(evaluatePolicy(policy, 'default', bash, { command: 'npm test' })).toEqual({ action: 'allow' })
  })

  it('never asks in auto mode, and allows only read-only tools in plan mode', () => {
    expect(evaluatePolicy(policy, 'auto', bash, { command: 'git push' })).toEqual({ action: 'allow' })
    expect(evaluatePolicy(policy, 'auto', bash, { command: 'rm -rf /' })).toMatchObject({ action: 'deny' })
    expect(evaluatePolicy(policy, 'plan', bash, { command: 'ls' })).toMatchObject({
      action: 'deny',
      reason: expect.stringMatching(/plan mode/),
    })
    expect(evaluatePolicy(policy, 'plan', read, { path: 'a.ts' })).toEqual({ action: 'allow' })
  })

  it('falls back to the default', () => {
    const strict = PolicySettings.parse({ default: 'ask' })
    expect(evaluatePolicy(strict, 'default', read, { path: 'a' })).toMatchObject({
      action: 'ask',
      reason: expect.stringMatching(/^the default/),
    })
  })

  it("applies global rules: a global deny always holds, the others where the project's rules say nothing", () => {
    const global = [
      { tool: 'bash', pattern: 'git push*', action: 'deny' },
      { tool: 'bash', pattern: 'npm publish*', action: 'ask' },
      { tool: 'bash', pattern: 'curl', action: 'allow' },
    ] as const
    const project = PolicySettings.parse({
      rules: [
        { tool: 'bash', pattern: 'git push origin main', action: 'allow' },
        { tool: 'bash', pattern: 'curl', action: 'deny' },
      ],
    })
    expect(evaluatePolicy(project, 'auto', bash, { command: 'git push origin main' }, global)).toEqual({
      action: 'deny',
      reason: 'the rule bash "git push*" of the global policy says deny for bash',
    })
    expect(evaluatePolicy(project, 'default', bash, { command: 'npm publish' }, global)).toEqual({
      action: 'ask',
      reason: 'the rule bash "npm publish*" of the global policy says ask for bash',
    })
    expect(evaluatePolicy(project, 'default', bash, { command: 'curl -s x' }, global)).toEqual({
      action: 'deny',
      reason: `the rule bash "curl" of the project's policy says deny for bash`,
    })
    expect(evaluatePolicy(project, 'default', bash, { command: 'ls' }, global)).toEqual({ action: 'allow' })
  })
})

describe('plan mode in a run', () => {
  let harness: Awaited<ReturnType<typeof startLoopHarness>>
  beforeAll(async () => {
    harness = await startLoopHarness([
      {
        name: 'planner',
        rules: [
          {
            when: { toolResult: 'none' },
            reply: [{ toolCall: { tool: 'write_file', input: { path: 'x.txt', content: 'x' } } }],
          },
          { reply: [{ text: 'Plan: 1. write x.txt. Approve to go ahead.' }] },
        ],
      },
    ])
  })
  afterAll(() => harness[Symbol.asyncDispose]())

  it('answers a changing tool with a refusal, writes nothing, and ends with the plan', async () => {
    const { result, events, directory } = await harness.run('sim:planner', {
      policy: { settings: PolicySettings.parse({}), mode: 'plan' },
    })
    expect(result).toMatchObject({ outcome: 'finished', steps: 2 })
    expect(events.find((e) => e.type === 'tool.finished')).toMatchObject({
      data: {
        isError: true,
        output: expect.stringMatching(
          /^Not allowed: write_file changes things, and this task is in plan mode/,
        ),
      },
    })
    expect(existsSync(join(directory, 'x.txt'))).toBe(false)
  })
})
