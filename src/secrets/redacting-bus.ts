import type { CadreEvent } from '../core/events/registry.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Redactor } from './redactor.ts'

/**
 * The bus with live-only events (deltas, output chunks) redacted as they are published; stored
 * events were redacted when appended and pass unchanged. A producer streaming text in pieces
 * should still pass it through a stream redactor first, so a secret split across two pieces is
 * caught too.
 */
export const redactingBus = (bus: EventBus, redactor: Redactor): EventBus => ({
  ...bus,
  publish: (event) =>
    bus.publish(
      'seq' in event ? event : ({ ...event, data: redactor.redactValue(event.data) } as CadreEvent),
    ),
})
