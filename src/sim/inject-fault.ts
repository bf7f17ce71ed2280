import { seededRandom } from './seeded-random.ts'
import type { SimFaultKind, SimFaults } from './sim-faults.ts'
import type { ScenarioErrorKind, SimReply } from './sim-reply.ts'

/** A call chosen to fail: how, and what to answer instead of the scenario's reply. */
export interface InjectedFault {
  kind: SimFaultKind
  reply: SimReply
  /** For a cut stream: the share of its frames sent before the connection drops, in (0, 1]. */
  keep?: number
}

const messages: Record<ScenarioErrorKind, string> = {
  rate_limit: 'Rate limit exceeded (injected fault). Retry after the indicated delay.',
  server_error: 'Internal server error (injected fault).',
  overloaded: 'The model is overloaded (injected fault). Please try again later.',
}

/**
 * Decides, call by call, which model calls fail and how. Every call takes the same three draws
 * from the seeded sequence whatever comes of them, so with one seed the n-th call always meets the
 * same fate. A scenario's own error cannot be cut (there is no stream): it is then served as it is.
 */
export const createFaultInjector = (faults: SimFaults) => {
  const random = seededRandom(faults.seed ?? Math.floor(Math.random() * 2 ** 32))
  return (reply: SimReply): InjectedFault | undefined => {
    const strikes = random()
    const which = random()
    const where = random()
    if (strikes >= faults.rate) return undefined
    const kind = faults.kinds[Math.floor(which * faults.kinds.length)]!
    if (kind === 'slow') {
      const pace = { ...reply.pace, latencyMs: reply.pace.latencyMs + faults.slowMs }
      return { kind, reply: { ...reply, pace } }
    }
    if (kind === 'cut') {
      if (reply.type === 'error') return undefined
      return { kind, reply: { ...reply, cut: true }, keep: 1 - where }
    }
    return {
      kind,
      reply: {
        type: 'error',
        kind,
        message: messages[kind],
        ...(kind === 'rate_limit' && { retryAfterSeconds: faults.retryAfterSeconds }),
        pace: reply.pace,
      },
    }
  }
}
