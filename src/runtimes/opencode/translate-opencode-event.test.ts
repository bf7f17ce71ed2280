import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createOpencodeTranslator } from './translate-opencode-event.ts'

// Printed by OpenCode 1.18.33 (`opencode run --format json`) running against Cadre's simulator.
const lines = readFileSync(join(import.meta.dirname, '__fixtures__', 'run-json.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown)

describe('opencode run --format json in Cadre vocabulary', () => {
  it('turns a real session into a session id, text, tool calls with their kinds, and usage per step', () => {
    const actions = lines.flatMap(createOpencodeTranslator('/work/oc-fixture-repo'))
    const shape = actions.map((action) =>
      action.type === 'tool'
        ? `${action.kind} ${action.status} ${JSON.stringify(action.paths ?? action.command)} exit ${action.exitCode ?? '-'}`
        : action.type === 'usage'
          ? `usage ${action.usage.inputTokens}/${action.usage.outputTokens} cost ${action.costUsd}`
          : action.type === 'text'
            ? `text ${action.text}`
            : action.type,
    )
    expect(shape).toEqual([
      'session',
      'text Writing.',
      'command completed "echo hi > out.txt && cat out.txt" exit 0',
      expect.stringMatching(/^usage \d+\/\d+ cost null$/),
      'file_edit completed ["notes.md"] exit -',
      expect.stringMatching(/^usage \d+\/\d+ cost null$/),
      'text Done.',
      expect.stringMatching(/^usage \d+\/\d+ cost null$/),
    ])
  })

  it('names the session once, keeps unknown lines as other, and reports errors', () => {
    const translate = createOpencodeTranslator('/w')
    expect(translate({ type: 'step_start', sessionID: 'ses_1' })).toEqual([
      { type: 'session', sessionId: 'ses_1' },
    ])
    expect(translate({ type: 'step_start', sessionID: 'ses_1' })).toEqual([])
    expect(translate({ type: 'hologram' })).toEqual([{ type: 'other', raw: { type: 'hologram' } }])
    expect(
      translate({ type: 'error', sessionID: 'ses_1', error: { data: { message: 'rate limited' } } }),
    ).toEqual([{ type: 'error', message: 'rate limited' }])
  })
})
