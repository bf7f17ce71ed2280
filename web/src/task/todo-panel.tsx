import type { CadreEvent } from '../api/types.ts'

const states = { '[ ]': 'pending', '[~]': 'in_progress', '[x]': 'done' } as const

/** The agent's checklist as it last wrote it (its `todo` tool echoes it as `[x] text` lines). */
export const latestTodo = (events: readonly CadreEvent[]) => {
  const last = events.findLast(
    (event) => event.type === 'tool.finished' && event.data.tool === 'todo' && !event.data.isError,
  )
  if (last?.type !== 'tool.finished') return []
  return last.data.output.split('\n').flatMap((line) => {
    const mark = line.slice(0, 3) as keyof typeof states
    return states[mark] ? [{ status: states[mark], text: line.slice(4) }] : []
  })
}

export const TodoPanel = ({ events }: { events: readonly CadreEvent[] }) => {
  const items = latestTodo(events)
  if (items.length === 0) return null
  const done = items.filter((item) => item.status === 'done').length
  return (
    <details open className="border-b border-line bg-panel px-4 py-2 text-sm" data-testid="todo">
      <summary className="cursor-pointer text-xs font-semibold uppercase tracking-wide text-muted">
        Plan · {done} of {items.length} done
      </summary>
      <ul className="mt-1 space-y-0.5">
        {items.map((item) => (
          <li
            key={item.text}
            className={
              item.status === 'done'
                ? 'text-muted line-through'
                : item.status === 'in_progress'
                  ? 'font-medium text-accent'
                  : ''
            }
          >
            {item.status === 'done' ? '✓' : item.status === 'in_progress' ? '▸' : '○'} {item.text}
          </li>
        ))}
      </ul>
    </details>
  )
}
