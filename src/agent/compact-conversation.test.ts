import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoopHarness } from '../../test/support/agent-loop-harness.ts'
import { compactConversation, estimateTokens } from './compact-conversation.ts'
import { bashTool } from './tools/bash.ts'

const window = 8192
const reads = 12

describe('compaction', () => {
  it('replaces older tool output with a note, keeping the latest whole, only when over the limit', () => {
    const big = 'x'.repeat(4000)
    const messages = Array.from({ length: 4 }, (_, i) => [
      {
        role: 'assistant' as const,
        content: [{ type: 'tool-call' as const, toolCallId: `c${i}`, toolName: 'read_file', input: {} }],
      },
      {
        role: 'tool' as const,
        content: [
          {
            type: 'tool-result' as const,
            toolCallId: `c${i}`,
            toolName: 'read_file',
            output: { type: 'text' as const, value: big },
          },
        ],
      },
    ]).flat()
    expect(compactConversation(messages, 100_000)).toEqual(messages)
    const fitted = compactConversation(messages, 3000)
    expect(estimateTokens(fitted)).toBeLessThan(estimateTokens(messages))
    const outputs = fitted.flatMap((m) =>
      m.role === 'tool'
        ? m.content.map((p) => (p.type === 'tool-result' && p.output.type === 'text' ? p.output.value : ''))
        : [],
    )
    expect(
      outputs
        .slice(0, 2)
        .every((value) => value.startsWith('[output compacted to fit the context window: 4000 characters')),
    ).toBe(true)
    expect(outputs.slice(2)).toEqual([big, big])
  })

  describe('in a long run on a model with an 8k window', () => {
    let harness: Awaited<ReturnType<typeof startLoopHarness>>
    beforeAll(async () => {
      harness = await startLoopHarness([
        {
          name: 'reader',
          rules: [
            {
              when: { turn: { max: 0 } },
              reply: [
                {
                  toolCall: {
                    tool: 'bash',
                    input: { command: "head -c 6000 /dev/zero | tr '\\\\0' 'a' > big.txt" },
                  },
                },
              ],
            },
            {
              when: { turn: { max: reads } },
              reply: [
                { text: 'Reading again.' },
                { toolCall: { tool: 'bash', input: { command: 'cat big.txt # read {{turn}}' } } },
              ],
            },
            { reply: [{ text: 'Read it all.' }] },
          ],
        },
      ])
    })
    afterAll(() => harness[Symbol.asyncDispose]())

    it('completes, and no request the model receives exceeds the window', async () => {
      const { result, events } = await harness.run('sim:reader', {
        tools: [bashTool],
        contextWindow: window,
        budget: { maxSteps: 50 },
      })
      expect(result).toMatchObject({ outcome: 'finished', steps: reads + 2 })
      const inputs = events.flatMap((e) => (e.type === 'step.finished' ? [e.data.usage.inputTokens] : []))
      expect(inputs).toHaveLength(reads + 2)
      expect(Math.max(...inputs)).toBeLessThan(window)
      // Without compaction the same conversation would not have fit.
      const whole = events
        .filter((e) => e.type === 'tool.finished')
        .reduce((sum, e) => sum + e.data.output.length, 0)
      expect(whole / 4).toBeGreaterThan(window)
    })
  })
})
