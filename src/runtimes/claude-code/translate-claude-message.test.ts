import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createClaudeTranslator } from './translate-claude-message.ts'

// Yielded by the Claude Agent SDK 0.3.330 (Claude Code 2.1.330) running two turns against Cadre's
// simulator: a Bash command that exits 3, a Write, a reply; then a follow-up in the same session.
const messages = readFileSync(join(import.meta.dirname, '__fixtures__', 'sdk-messages.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown)

describe('Claude Agent SDK messages in Cadre vocabulary', () => {
  it('turns a real session into its id, text, tool calls with kinds, paths and exit codes, and usage', () => {
    const { translate } = createClaudeTranslator('/tmp/cc/repo')
    const actions = messages.flatMap(translate)
    const session = { type: 'session', sessionId: '3a22548f-cb86-4240-987f-e47a3d7da341' }
    const bash = { callId: 'toolu_01ZmDkNyZnKvo5XIS50JGZpKtA', tool: 'Bash', kind: 'command' }
    const command = 'echo hi > out.txt && cat out.txt && exit 3'
    const write = { callId: 'toolu_01zrQOe0U7TQsLwh75RPMakaEN', tool: 'Write', kind: 'file_edit' }
    expect(actions).toEqual([
      session,
      { type: 'text', text: 'Writing.' },
      { type: 'tool', ...bash, status: 'running', command },
      { type: 'tool', ...bash, status: 'error', command, exitCode: 3, output: 'Exit code 3\nhi' },
      { type: 'tool', ...write, status: 'running', paths: ['notes.md'] },
      {
        type: 'tool',
        ...write,
        status: 'completed',
        paths: ['notes.md'],
        output: expect.stringContaining('File created successfully'),
      },
      { type: 'text', text: 'Done.' },
      {
        type: 'usage',
        usage: {
          inputTokens: 600,
          outputTokens: 60,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        costUsd: 0.0009,
      },
      session,
      { type: 'text', text: 'Still done.' },
      {
        type: 'usage',
        usage: {
          inputTokens: 15888,
          outputTokens: 3,
          cachedTokens: 0,
          cacheWriteTokens: 15888,
          reasoningTokens: 0,
        },
        costUsd: 0.020775000000000002,
      },
    ])
  })

  it('keeps an unknown message as other, and reports a failed session as an error', () => {
    const { translate } = createClaudeTranslator('/work')
    expect(translate({ type: 'stream_event', event: {} })).toEqual([
      { type: 'other', raw: { type: 'stream_event', event: {} } },
    ])
    expect(translate({ type: 'system', subtype: 'compact_boundary' })).toEqual([])
    const failed = translate({
      type: 'result',
      subtype: 'error_max_turns',
      is_error: true,
      errors: ['reached the maximum number of turns'],
    })
    expect(failed.at(-1)).toEqual({ type: 'error', message: 'reached the maximum number of turns' })
  })

  it('remembers what each call was given, and names the tools it does not know other', () => {
    const { translate, inputOf } = createClaudeTranslator('/work')
    const [call] = translate({
      type: 'assistant',
      message: {
        content: [
          { type: 'tool_use', id: 't1', name: 'ExitPlanMode', input: { plan: '1. write it' } },
          { type: 'image', source: {} },
        ],
      },
    })
    expect(call).toMatchObject({ type: 'tool', kind: 'other', status: 'running' })
    expect(inputOf('t1')).toEqual({ plan: '1. write it' })
    expect(
      translate({
        type: 'user',
        message: {
          content: [{ type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'x' }] }],
        },
      }),
    ).toEqual([
      { type: 'tool', callId: 't2', tool: 'unknown', kind: 'other', status: 'completed', output: 'x' },
    ])
  })
})
