import type { CadreEvent } from '../api/types.ts'
import { formatDuration } from '../layout/format.ts'

interface LogEntry {
  key: string
  title: string
  exitCode?: number | null
  durationMs?: number
  output: string
  live: boolean
}

/** The processes' output, in order: the copies and setup script of a new workspace (live while it runs), checks, each command. */
const logEntries = (events: readonly CadreEvent[]): LogEntry[] => {
  const entries = new Map<string, LogEntry>()
  for (const event of events) {
    switch (event.type) {
      case 'setup.output': {
        const key = `setup:${event.data.blockId}`
        const held = entries.get(key)?.output ?? ''
        entries.set(key, {
          key,
          title: 'Setup script',
          output: event.data.snapshot ? event.data.text : held + event.data.text,
          live: true,
        })
        break
      }
      case 'workspace.copied':
        entries.set(`e${event.seq}`, {
          key: `e${event.seq}`,
          title: "Copied from the project's checkout",
          durationMs: event.data.durationMs,
          output: event.data.paths
            .map((copy) =>
              copy.copied
                ? `${copy.path}: copied in ${formatDuration(copy.durationMs ?? 0)}`
                : `${copy.path}: ${copy.note}`,
            )
            .join('\n'),
          live: false,
        })
        break
      case 'setup.finished':
        for (const [key, entry] of entries) if (entry.live && key.startsWith('setup:')) entries.delete(key)
        entries.set(`e${event.seq}`, {
          key: `e${event.seq}`,
          title: `Setup script (${event.data.script})`,
          exitCode: event.data.exitCode,
          durationMs: event.data.durationMs,
          output: event.data.output,
          live: false,
        })
        break
      case 'check.finished':
        entries.set(`e${event.seq}`, {
          key: `e${event.seq}`,
          title: `Check: ${event.data.command}`,
          exitCode: event.data.exitCode,
          durationMs: event.data.durationMs,
          output: event.data.output,
          live: false,
        })
        break
      case 'tool.finished':
        if (event.data.kind === 'command') {
          entries.set(`e${event.seq}`, {
            key: `e${event.seq}`,
            title: event.data.tool,
            ...(event.data.exitCode !== undefined && { exitCode: event.data.exitCode }),
            durationMs: event.data.durationMs,
            output: event.data.output,
            live: false,
          })
        }
        break
      default:
        break
    }
  }
  return [...entries.values()]
}

export const LogsTab = ({ events }: { events: readonly CadreEvent[] }) => {
  const entries = logEntries(events)
  if (entries.length === 0)
    return <p className="p-4 text-sm text-muted">No process has printed anything yet.</p>
  return (
    <div className="space-y-3 p-4">
      {entries.map((entry) => (
        <section
          key={entry.key}
          className="overflow-hidden rounded-md border border-line bg-panel text-sm"
          data-log={entry.key}
        >
          <header className="flex items-center gap-2 border-b border-line px-3 py-1.5">
            <span className="flex-1 font-medium">{entry.title}</span>
            {entry.live && <span className="text-xs text-accent">running…</span>}
            {entry.exitCode !== undefined && (
              <span className={`text-xs ${entry.exitCode === 0 ? 'text-good' : 'text-bad'}`}>
                exit {entry.exitCode ?? 'killed'}
              </span>
            )}
            {entry.durationMs !== undefined && (
              <span className="text-xs text-muted">{formatDuration(entry.durationMs)}</span>
            )}
          </header>
          <pre className="max-h-96 overflow-auto bg-sunken px-3 py-2 font-mono text-xs whitespace-pre-wrap">
            {entry.output || '(no output)'}
          </pre>
        </section>
      ))}
    </div>
  )
}
