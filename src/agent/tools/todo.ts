import { z } from 'zod'
import { defineTool } from './define-tool.ts'

export const TodoItem = z.strictObject({
  text: z.string().trim().min(1).max(500),
  status: z.enum(['pending', 'in_progress', 'done']),
})
export type TodoItem = z.infer<typeof TodoItem>

const marks = { pending: '[ ]', in_progress: '[~]', done: '[x]' } as const

/**
 * The agent's plan, replaced whole on each call and shown to the user. The tool only echoes it back:
 * the runner stores it as an event from the call's input.
 */
export const todoTool = defineTool({
  name: 'todo',
  description:
    'Write your plan as a short checklist, replacing the previous one; update it as items start and ' +
    'finish. Keep at most one item in_progress.',
  input: z.strictObject({
    items: z
      .array(TodoItem)
      .max(50)
      .refine((items) => items.filter((item) => item.status === 'in_progress').length <= 1, {
        message: 'at most one item can be in_progress',
      }),
  }),
  readOnly: true,
  kind: 'other',
  async run({ items }) {
    if (items.length === 0) return 'plan cleared'
    return items.map((item) => `${marks[item.status]} ${item.text}`).join('\n')
  },
})
