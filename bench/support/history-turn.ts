import type { EventInput } from '../../src/core/events/registry.ts'

/**
 * The stored events of one turn of a coding session, sized like a real one: the model's reply
 * (a few sentences and a command), the command's start and its end with some output, and the
 * step's usage. The first turn opens the thread with the person's message.
 */
export const historyTurn = (turn: number): EventInput[] => {
  const threadId = 'thr_bench'
  const callId = `call_${turn}`
  const command = `npm test -- --filter step-${turn}`
  return [
    ...(turn === 1
      ? ([
          { type: 'thread.created', data: { threadId, title: 'Main' } },
          {
            type: 'message.user',
            data: { threadId, text: 'Make the failing tests pass, one module at a time.' },
          },
        ] as const)
      : []),
    {
      type: 'message.assistant',
      data: {
        threadId,
        text: `Turn ${turn}: the next module's tests fail on a missing export. ${'I will run them to see the error first. '.repeat(3)}`,
        toolCalls: [{ callId, tool: 'bash', input: { command } }],
      },
    },
    { type: 'tool.started', data: { threadId, callId, tool: 'bash', kind: 'command', command } },
    {
      type: 'tool.finished',
      data: {
        threadId,
        callId,
        tool: 'bash',
        kind: 'command',
        output: `> test\n${`  ✓ module ${turn} case passes (3 ms)\n`.repeat(12)}\nTests: 12 passed, 12 total\n`,
        isError: false,
        exitCode: 0,
        durationMs: 1840,
      },
    },
    {
      type: 'step.finished',
      data: {
        threadId,
        step: turn,
        model: 'claude-sonnet-4-5',
        usage: {
          inputTokens: 12000 + turn * 300,
          outputTokens: 180,
          cachedTokens: 11000,
          cacheWriteTokens: 300,
          reasoningTokens: 0,
        },
        costUsd: 0.0061,
        finishReason: 'tool-calls',
      },
    },
  ]
}
