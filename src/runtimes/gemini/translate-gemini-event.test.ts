import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGeminiTranslator } from './translate-gemini-event.ts'

// Printed by Gemini CLI 0.61.0 (`--output-format stream-json`) running against Cadre's simulator.
const lines = readFileSync(join(import.meta.dirname, '__fixtures__', 'stream-json.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown)

describe('gemini stream-json in Cadre vocabulary', () => {
  it('turns a real session into a session id, text, tool calls with their kinds, and usage', () => {
    const translate = createGeminiTranslator('/work')
    const actions = lines.flatMap(translate)
    const shell = 'run_shell_command__run_shell_command_1795452171258_0'
    const write = 'write_file__write_file_1795452171347_0'
    expect(actions).toEqual([
      { type: 'session', sessionId: '25265f71-ce60-46d0-8299-5eb921a8496c' },
      { type: 'text', text: 'Writing.' },
      {
        type: 'tool',
        callId: shell,
        tool: 'run_shell_command',
        kind: 'command',
        status: 'running',
        command: 'echo hi > out.txt && cat out.txt',
      },
      {
        type: 'tool',
        callId: shell,
        tool: 'run_shell_command',
        kind: 'command',
        status: 'completed',
        command: 'echo hi > out.txt && cat out.txt',
        output: 'hi',
      },
      {
        type: 'tool',
        callId: write,
        tool: 'write_file',
        kind: 'file_edit',
        status: 'running',
        paths: ['notes.md'],
      },
      {
        type: 'tool',
        callId: write,
        tool: 'write_file',
        kind: 'file_edit',
        status: 'completed',
        paths: ['notes.md'],
        output: '',
      },
      { type: 'text', text: 'Done.' },
      {
        type: 'usage',
        usage: {
          inputTokens: 27764,
          outputTokens: 33,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        costUsd: null,
      },
    ])
  })

  it('keeps an unknown line as other, and reports a failed tool and a failed session as errors', () => {
    const translate = createGeminiTranslator('/work')
    expect(translate({ type: 'telemetry', beep: 1 })).toEqual([
      { type: 'other', raw: { type: 'telemetry', beep: 1 } },
    ])
    translate({
      type: 'tool_use',
      tool_name: 'replace',
      tool_id: 't1',
      parameters: { file_path: '/work/a.ts' },
    })
    expect(
      translate({ type: 'tool_result', tool_id: 't1', status: 'error', error: { message: 'no match' } }),
    ).toEqual([
      {
        type: 'tool',
        callId: 't1',
        tool: 'replace',
        kind: 'file_edit',
        paths: ['a.ts'],
        status: 'error',
        output: 'no match',
      },
    ])
    expect(translate({ type: 'result', status: 'error', error: { message: 'quota' } })).toEqual([
      { type: 'error', message: 'quota' },
    ])
  })
})
