import { describe, expect, it } from 'vitest'
import type { SimMessageReply } from '../sim-reply.ts'
import { SimInputError } from '../sim-request.ts'
import type { RouteHints, WireProtocol } from './wire-protocol.ts'

/** What the contract needs to know of one protocol: a request, and how its stream ends. */
export interface WireSample {
  /** A body asking "hello" of model `m`, offering one tool named `write`. */
  body: unknown
  hints?: RouteHints
  /** Matches the frame that ends a complete stream, and no other. */
  terminal: RegExp
}

const reply = (cut: boolean): SimMessageReply => ({
  type: 'message',
  parts: [
    { type: 'reasoning', text: 'thinking it over carefully' },
    { type: 'text', text: 'Here is the answer you asked for, in several words.' },
    { type: 'tool_call', name: 'write', kind: 'function', input: '{"path":"a.txt","content":"hello there"}' },
  ],
  usage: {
    inputTokens: 321,
    outputTokens: 54,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 7,
  },
  finish: 'tool_use',
  cut,
  pace: { latencyMs: 0, tokensPerSecond: 0 },
})

/** The behaviour every wire protocol shares, run against each (see wire-protocols.test.ts). */
export const wireProtocolContract = (protocol: WireProtocol, sample: WireSample) =>
  describe(`the ${protocol.name} wire protocol`, () => {
    it('reads a request into protocol-free terms', () => {
      const request = protocol.parse(sample.body, sample.hints ?? {})
      expect(request).toMatchObject({ protocol: protocol.name, model: 'm' })
      expect(request.messages).toEqual([{ role: 'user', parts: [{ type: 'text', text: 'hello' }] }])
      expect(request.tools.map((tool) => tool.name)).toEqual(['write'])
    })

    it('refuses a body of another shape with a SimInputError', () => {
      for (const body of [null, [], 'text', { model: 3 }]) {
        expect(() => protocol.parse(body, sample.hints ?? {})).toThrow(SimInputError)
      }
    })

    it('streams server-sent events of JSON, ending once, with the usage', () => {
      const request = protocol.parse(sample.body, sample.hints ?? {})
      const frames = protocol.stream(reply(false), request)
      for (const frame of frames) {
        expect(frame.data).toMatch(/^(event: [\w.]+\n)?data: .+\n\n$/)
        const data = frame.data.slice(frame.data.indexOf('data: ') + 6).trim()
        if (data !== '[DONE]') expect(() => JSON.parse(data)).not.toThrow()
      }
      expect(frames.filter((frame) => sample.terminal.test(frame.data))).toHaveLength(1)
      expect(frames.slice(-3).some((frame) => frame.data.includes('321'))).toBe(true)
      expect(frames.filter((frame) => frame.tokens > 0).length).toBeGreaterThan(6)
    })

    it('stops a cut stream short, with no terminal event', () => {
      const request = protocol.parse(sample.body, sample.hints ?? {})
      const whole = protocol.stream(reply(false), request)
      const cut = protocol.stream(reply(true), request)
      // Gemini sends each chunk whole, so its cut stream only lacks the finish.
      expect(cut.length).toBeLessThanOrEqual(whole.length)
      expect(cut.some((frame) => sample.terminal.test(frame.data))).toBe(false)
    })

    it('answers a whole reply as JSON carrying the text, the call and the usage', () => {
      const request = protocol.parse(sample.body, sample.hints ?? {})
      const json = JSON.stringify(protocol.json(reply(false), request))
      expect(json).toContain('Here is the answer you asked for, in several words.')
      expect(json).toContain('a.txt')
      expect(json).toContain('321')
    })
  })
