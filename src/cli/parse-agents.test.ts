import { describe, expect, it } from 'vitest'
import { parseAgents } from './parse-agents.ts'

describe('--agents', () => {
  it('lists agents, each with its own model after =', () => {
    expect(parseAgents('builtin,codex')).toEqual({ agents: ['builtin', 'codex'] })
    expect(parseAgents(' builtin , codex=openai:gpt-5.5,gemini=google:gemini-2.5-pro')).toEqual({
      agents: ['builtin', 'codex', 'gemini'],
      models: { codex: 'openai:gpt-5.5', gemini: 'google:gemini-2.5-pro' },
    })
  })

  it('refuses an empty agent or model, saying how it is written', () => {
    for (const bad of ['', 'builtin,,codex', 'codex=', '=openai:gpt-5.5'])
      expect(() => parseAgents(bad)).toThrow(
        /comma-separated list of agents, each optionally agent=provider:model/,
      )
  })
})
