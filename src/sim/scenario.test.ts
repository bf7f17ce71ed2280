import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CadreError } from '../core/errors.ts'
import { loadScenarios } from './load-scenarios.ts'
import { parseScenario } from './parse-scenario.ts'

const folder = () => mkdtempSync(join(tmpdir(), 'cadre-scenarios-'))
const messageOf = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(CadreError)
    expect((error as CadreError).code).toBe('bad_request')
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('scenario files', () => {
  it('fills defaults for a minimal scenario', () => {
    expect(parseScenario({ name: 'plain' }, 'plain.yaml')).toEqual({ name: 'plain', rules: [] })
    const scenario = parseScenario({ name: 'x', rules: [{ reply: [{ toolCall: { tool: 'bash' } }] }] }, 'x')
    expect(scenario.rules[0]?.reply[0]?.toolCall).toEqual({ tool: 'bash', input: {} })
  })

  it.each([
    [{ rules: [] }, 'bad.yaml: name: Invalid input: expected string, received undefined'],
    [
      { name: 'x', rules: [{ when: { toolResult: 'some' }, reply: [{ text: 'a' }] }] },
      'bad.yaml: rules.0.when.toolResult: Invalid option',
    ],
    [
      { name: 'x', rules: [{ when: { toolOfered: 'write' }, reply: [{ text: 'a' }] }] },
      'bad.yaml: rules.0.when: Unrecognized key: "toolOfered"',
    ],
    [
      { name: 'x', rules: [{ reply: [{ text: 'a', reasoning: 'b' }] }] },
      'bad.yaml: rules.0.reply.0: needs exactly one of reasoning, text, json, toolCall, error, cut (got reasoning and text)',
    ],
    [
      { name: 'x', rules: [{ reply: [{ toolCall: { input: {} } }] }] },
      'bad.yaml: rules.0.reply.0.toolCall.tool: Invalid input: expected string',
    ],
    [
      { name: 'x', rules: [{ reply: [{ error: 'teapot' }] }] },
      'bad.yaml: rules.0.reply.0.error: Invalid option',
    ],
    [
      { name: 'x', rules: [{ reply: [{ text: 'a' }, { error: 'rate_limit' }] }] },
      'bad.yaml: rules.0.reply.1: an error must be the only item',
    ],
    [
      { name: 'x', rules: [{ reply: [{ cut: true }, { text: 'a' }] }] },
      'bad.yaml: rules.0.reply.0: a cut must be the last item',
    ],
    [
      { name: 'x', rules: [{ when: { lastToolResult: { contains: '/[/' } }, reply: [{ text: 'a' }] }] },
      'bad.yaml: rules.0.when.lastToolResult.contains: not a valid /regex/',
    ],
    [
      { name: 'x', rules: [{ reply: [{ text: 'a' }], usage: { inputTokens: 5, cachedInputTokens: 9 } }] },
      'bad.yaml: rules.0.usage.inputTokens: must include cachedInputTokens',
    ],
    [{ name: 'x', rules: [{ reply: [] }] }, 'bad.yaml: rules.0.reply: Too small'],
    // Anthropic's tool_use input and Gemini's args must be objects: an array is refused here.
    [
      { name: 'x', rules: [{ reply: [{ toolCall: { tool: 'write', input: ['a.txt', 'hi'] } }] }] },
      'bad.yaml: rules.0.reply.0.toolCall.input: an array is not tool arguments: give an object of named arguments',
    ],
  ])('names the file and the bad field: %j', (value, expected) => {
    expect(messageOf(() => parseScenario(value, 'bad.yaml'))).toContain(expected)
  })

  it('loads YAML and JSON files and directories, in order', async () => {
    const dir = folder()
    mkdirSync(join(dir, 'more'))
    writeFileSync(join(dir, 'a.yaml'), 'name: first\nrules:\n  - reply: [{ text: "one" }]\n')
    writeFileSync(join(dir, 'more', 'b.json'), JSON.stringify({ name: 'second' }))
    writeFileSync(join(dir, 'more', 'c.yml'), 'name: third\n')
    writeFileSync(join(dir, 'more', 'notes.txt'), 'not a scenario')
    const scenarios = await loadScenarios([join(dir, 'a.yaml'), join(dir, 'more')])
    expect(scenarios.map((scenario) => scenario.name)).toEqual(['first', 'second', 'third'])
  })

  it('says which file is missing, malformed or invalid, and refuses a name used twice', async () => {
    const dir = folder()
    await expect(loadScenarios([join(dir, 'nope.yaml')])).rejects.toThrow(
      `scenario not found: ${join(dir, 'nope.yaml')}`,
    )
    writeFileSync(join(dir, 'broken.yaml'), 'name: [unclosed\n')
    await expect(loadScenarios([join(dir, 'broken.yaml')])).rejects.toThrow(
      `${join(dir, 'broken.yaml')}: not valid YAML`,
    )
    writeFileSync(
      join(dir, 'wrong.yaml'),
      'name: w\nrules:\n  - when: { turn: -1 }\n    reply: [{ text: x }]\n',
    )
    await expect(loadScenarios([join(dir, 'wrong.yaml')])).rejects.toThrow(
      `${join(dir, 'wrong.yaml')}: rules.0.when.turn`,
    )
    writeFileSync(join(dir, 'one.yaml'), 'name: same\n')
    writeFileSync(join(dir, 'two.json'), '{"name": "same"}')
    await expect(loadScenarios([join(dir, 'one.yaml'), join(dir, 'two.json')])).rejects.toThrow(
      `${join(dir, 'two.json')}: scenario name "same" is also used by ${join(dir, 'one.yaml')}`,
    )
  })
})
