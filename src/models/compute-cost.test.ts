import { describe, expect, it } from 'vitest'
import { computeCost } from './compute-cost.ts'

const usage = {
  inputTokens: 10_000,
  outputTokens: 2_000,
  cachedTokens: 6_000,
  cacheWriteTokens: 3_000,
  reasoningTokens: 500,
}

describe('cost of a call', () => {
  it('prices uncached input, cache reads, cache writes and output (reasoning included) separately', () => {
    const pricing = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 }
    expect(computeCost(usage, pricing)).toBeCloseTo(
      (1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 2_000 * 15) / 1e6,
      12,
    )
  })

  it('charges cache reads and writes at the input price when the model has no cache prices', () => {
    expect(computeCost(usage, { input: 2, output: 8 })).toBeCloseTo((10_000 * 2 + 2_000 * 8) / 1e6, 12)
  })

  it('never counts more cached tokens than input tokens, and is null when the price is unknown', () => {
    const odd = { ...usage, inputTokens: 100, cachedTokens: 500, cacheWriteTokens: 500 }
    expect(computeCost(odd, { input: 1, output: 0, cachedInput: 0.1 })).toBeCloseTo((100 * 0.1) / 1e6, 12)
    expect(computeCost(usage, null)).toBeNull()
  })
})
