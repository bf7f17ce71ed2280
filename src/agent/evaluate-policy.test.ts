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
    expect(evaluatePolicy(policy, 'ask', bash, { command: 'rm -rf /tmp/x' })).toMatchObject({
      action: 'deny',
    })
    expect(evaluatePolicy(policy, 'ask', bash, { command: 'git push origin main' })).toMatchObject({
      action: 'ask',
      reason: `the rule bash "git push*" of the project's policy says ask for bash`,
    })
    expect(evaluatePolicy(policy, 'ask', bash, { command: 'curl https://example.com' })).toMatchObject({
      action: 'deny',
    })
    expect(
      evaluatePolicy(
        policy,
        'ask',
        { name: 'write_file', readOnly: false },
        { path: '.github/workflows/ci.yml' },
      ),
    ).toMatchObject({
      action: 'ask',
    })
    expect(evaluatePolicy(policy, 'ask', bash, { command: 'npm test' })).toEqual({ action: 'allow' })
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
    expect(evaluatePolicy(strict, 'ask', read, { path: 'a' })).toMatchObject({
      action: 'ask',
      reason: expect.stringMatching(/^the default/),
    })
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
