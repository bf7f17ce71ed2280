import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoopHarness } from '../../test/support/agent-loop-harness.ts'

const usage = { inputTokens: 1000, outputTokens: 100 }

describe('a run stops cleanly at its limits, saying which', () => {
  let harness: Awaited<ReturnType<typeof startLoopHarness>>
  beforeAll(async () => {
    harness = await startLoopHarness([
      {
        name: 'busy',
        rules: [{ reply: [{ toolCall: { tool: 'bash', input: { command: 'echo step {{turn}}' } } }], usage }],
      },
      { name: 'stuck', rules: [{ reply: [{ toolCall: { tool: 'bash', input: { command: 'ls' } } }] }] },
      {
        name: 'slow',
        rules: [{ reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 5 # {{turn}}' } } }] }],
      },
    ])
  })
  afterAll(() => harness[Symbol.asyncDispose]())

  const toolRuns = (events: { type: string }[]) => events.filter((e) => e.type === 'tool.finished').length

  it('at the step budget', async () => {
    const { result, events } = await harness.run('sim:busy', { budget: { maxSteps: 2 } })
    expect(result).toMatchObject({
      outcome: 'budget',
      steps: 2,
      reason: 'the run made 2 model calls; its budget is 2',
    })
    expect(toolRuns(events)).toBe(2)
  })

  it('at the token budget', async () => {
    const { result } = await harness.run('sim:busy', { budget: { maxTokens: 2500 } })
    expect(result).toMatchObject({
      outcome: 'budget',
      steps: 3,
      reason: 'the run used 3300 tokens; its budget is 2500',
    })
  })

  it('at the cost budget, priced from the catalog', async () => {
    // Claude Sonnet 4.5: 1000 input tokens at $3/M and 100 output at $15/M make $0.0045 a step.
    const { result } = await harness.run('anthropic:claude-sonnet-4-5', { budget: { maxCostUsd: 0.01 } })
    expect(result).toMatchObject({
      outcome: 'budget',
      steps: 3,
      reason: 'the run cost $0.0135; its budget is $0.01',
    })
    expect(result.costUsd).toBeCloseTo(0.0135, 10)
  })

  it('at the wall-time budget, ending the command that was running', async () => {
    const started = performance.now()
    const { result, events } = await harness.run('sim:slow', { budget: { maxMinutes: 0.01 } })
    expect(result).toMatchObject({ outcome: 'budget', reason: 'the run took 0.01 minutes, its budget' })
    expect(performance.now() - started).toBeLessThan(4000)
    expect(events.at(-1)).toMatchObject({
      type: 'tool.finished',
      data: {
        output: expect.stringMatching(/^cancelled; the command and everything it started were stopped/),
      },
    })
  })

  it('when the same call repeats without progress, before running it again', async () => {
    const { result, events } = await harness.run('sim:stuck')
    expect(result).toMatchObject({
      outcome: 'loop',
      steps: 4,
      reason: 'the agent called bash with the same input 4 times in a row without progress',
    })
    expect(toolRuns(events)).toBe(3)
  })
})
