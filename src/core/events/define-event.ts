import type { z } from 'zod'

export interface EventDefinition<
  T extends string = string,
  D extends z.ZodType = z.ZodType,
  Durable = boolean,
> {
  readonly type: T
  readonly data: D
  /** Durable events are stored with a seq; live-only ones are broadcast and never stored. */
  readonly durable: Durable
  readonly description: string
}

/** Declares one event type: its name, the zod schema of its payload, and whether it is stored. */
export const defineEvent = <T extends string, D extends z.ZodType, Durable extends boolean>(
  type: T,
  data: D,
  options: { durable: Durable; description: string },
): EventDefinition<T, D, Durable> => ({ type, data, ...options })
