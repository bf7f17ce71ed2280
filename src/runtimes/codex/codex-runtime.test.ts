import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { installTestAgents } from '../../../test/support/install-test-agents.ts'
import { runRuntime, testRuntimes } from '../../../test/support/run-runtime.ts'
import { createFaultInjector } from '../../sim/inject-fault.ts'
import { SimFaults } from '../../sim/sim-faults.ts'
import type { SimMessageReply } from '../../sim/sim-reply.ts'
import { startSimulator } from '../../sim/start-simulator.ts'

/** A seed whose first `failing` calls are faults and whose next ones are not, at rate 0.5. */
const seedFailingFirst = (failing: number, then: number) => {
  const reply = { type: 'message', cut: false, pace: { latencyMs: 0 } } as SimMessageReply
  for (let seed = 0; ; seed++) {
    const inject = createFaultInjector(SimFaults.parse({ rate: 0.5, seed }))
    const fates = Array.from({ length: failing + then }, () => inject(reply) !== undefined)
    if (fates.every((failed, i) => failed === i < failing)) return seed
  }
}

describe('Codex as a runtime', () => {
  it('retries a model call that fails for a moment instead of ending the run (a 429, a 500, an overload, a cut)', async () => {
    installTestAgents(['codex'])
    const codex = testRuntimes().get('codex')!
    for (const kind of ['rate_limit', 'server_error', 'overloaded', 'cut'] as const) {
      await using sim = await startSimulator({
        scenarios: [{ name: 'gpt-5.5', rules: [{ reply: [{ text: 'Answered after all.' }] }] }],
        faults: { rate: 0.5, seed: seedFailingFirst(1, 3), kinds: [kind], retryAfterSeconds: 0 },
      })
      const actions = await runRuntime(codex, {
        dir: mkdtempSync(join(tmpdir(), 'cadre-codex-retry-')),
        modelId: 'openai:gpt-5.5',
        simUrl: sim.url,
        prompt: 'say something',
      })
      expect(
        actions.filter((action) => action.type === 'error'),
        kind,
      ).toEqual([])
      expect(actions, kind).toContainEqual({ type: 'text', text: 'Answered after all.' })
    }
  }, 120_000)
})
