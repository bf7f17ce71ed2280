import { z } from 'zod'
import { Feature } from '../features.ts'
import { defineEvent } from './define-event.ts'

/** On a live text piece: it is the whole block so far, sent to a subscriber that joined mid-block. */
const snapshot = z
  .literal(true)
  .optional()
  .describe(
    'the whole block so far, for a subscriber that joined mid-block: replaces what it holds of the block',
  )

/** The events that are only ever live: pieces of what is being streamed, never stored. */
export const liveEventDefinitions = [
  defineEvent(
    'assistant.delta',
    z.object({ threadId: z.string(), blockId: z.string(), text: z.string(), snapshot }),
    {
      durable: false,
      description: 'Streamed assistant text, live only; the completed message is stored.',
    },
  ),
  defineEvent(
    'reasoning.delta',
    z.object({ threadId: z.string(), blockId: z.string(), text: z.string(), snapshot }),
    {
      durable: false,
      description: 'Streamed model reasoning, live only; the completed reasoning is stored with the message.',
    },
  ),
  defineEvent(
    'tool.input_delta',
    z.object({ threadId: z.string(), callId: z.string(), tool: z.string(), text: z.string(), snapshot }),
    { durable: false, description: "A tool call's input as the model writes it, live only." },
  ),
  defineEvent('feature.updated', z.object({ feature: Feature }), {
    durable: false,
    description:
      "A feature of the project's list changed (on the project's stream; taskId is the task that last worked on it, or empty).",
  }),
  defineEvent('preview.output', z.object({ blockId: z.string(), text: z.string(), snapshot }), {
    durable: false,
    description: "The dev command's output as it comes, live only; preview.stopped keeps its end.",
  }),
  defineEvent('setup.output', z.object({ blockId: z.string(), text: z.string(), snapshot }), {
    durable: false,
    description: "The setup script's output as it comes, live only; setup.finished has its end.",
  }),
  defineEvent(
    'tool.output',
    z.object({ threadId: z.string(), callId: z.string(), text: z.string(), snapshot }),
    {
      durable: false,
      description:
        "A running tool's output as it comes (a command's), live only; tool.finished has the result.",
    },
  ),
] as const
