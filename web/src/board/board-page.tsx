import { Link, useNavigate, useSearch } from '@tanstack/react-router'
import { useEffect, useMemo, useState } from 'react'
import { useProjects, useTasks } from '../api/queries.ts'
import type { Task } from '../api/types.ts'
import { formatAgo, plural } from '../layout/format.ts'
import { StatusBadge } from '../layout/status-badge.tsx'
import { AddProjectForm } from './add-project-form.tsx'
import { NewTaskDialog } from './new-task-dialog.tsx'
import { useProjectLive } from './use-project-live.ts'

const columns: { title: string; statuses: Task['status'][] }[] = [
  { title: 'Backlog', statuses: ['backlog'] },
  { title: 'Queued', statuses: ['queued'] },
  { title: 'Running', statuses: ['running'] },
  { title: 'Needs input', statuses: ['needs_input'] },
  { title: 'Review', statuses: ['review'] },
  { title: 'Done', statuses: ['done'] },
  { title: 'Failed', statuses: ['failed', 'cancelled'] },
]

const TaskCard = ({ task }: { task: Task }) => (
  <Link
    to="/tasks/$taskId"
    params={{ taskId: task.id }}
    data-task={task.id}
    className="block space-y-2 rounded-lg border border-line bg-panel p-3 text-sm shadow-xs hover:border-accent"
  >
    <div className="font-medium leading-snug">{task.title}</div>
    <div className="flex flex-wrap items-center gap-2 text-xs text-muted">
      <StatusBadge status={task.status} />
      <span>{task.agent}</span>
      <span>{formatAgo(task.updatedAt)}</span>
    </div>
    {task.statusReason && task.status === 'failed' && (
      <div className="line-clamp-2 text-xs text-bad">{task.statusReason}</div>
    )}
  </Link>
)

/** The project's tasks as cards in columns by status, kept live by the stream. */
export const BoardPage = () => {
  const { project: chosen } = useSearch({ from: '/' })
  const navigate = useNavigate()
  const projects = useProjects()
  const project = projects.data?.projects.find((p) => p.id === chosen) ?? projects.data?.projects[0]
  const tasks = useTasks(project?.id)
  const [filter, setFilter] = useState('')
  const [creating, setCreating] = useState(false)
  const [adding, setAdding] = useState(false)
  useProjectLive(project?.id)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement
      if (event.key === 'n' && !typing && project) {
        event.preventDefault()
        setCreating(true)
      }
      if (event.key === '/' && !typing) {
        event.preventDefault()
        document.querySelector<HTMLInputElement>('input[aria-label="Filter tasks"]')?.focus()
      }
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [project])
  const shown = useMemo(() => {
    const words = filter.trim().toLowerCase()
    const all = tasks.data?.tasks ?? []
    return words ? all.filter((task) => `${task.title} ${task.agent}`.toLowerCase().includes(words)) : all
  }, [tasks.data, filter])

  if (projects.isPending) return <p className="p-6 text-muted">Loading…</p>
  if (!project) {
    return (
      <main className="mx-auto max-w-xl space-y-4 p-6">
        <h1 className="text-xl font-semibold">No project yet</h1>
        <p className="text-sm text-muted">
          Cadre works on git repositories on this machine. Add one to begin.
        </p>
        <AddProjectForm onAdded={(added) => void navigate({ to: '/', search: { project: added.id } })} />
      </main>
    )
  }
  return (
    <main className="flex h-[calc(100vh-3rem)] flex-col">
      <div className="flex flex-wrap items-center gap-3 border-b border-line px-4 py-2">
        <select
          aria-label="Project"
          value={project.id}
          onChange={(event) => void navigate({ to: '/', search: { project: event.target.value } })}
          className="rounded-md border border-line bg-panel px-2 py-1 text-sm"
        >
          {projects.data?.projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <input
          aria-label="Filter tasks"
          placeholder="Filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          className="w-48 rounded-md border border-line bg-panel px-2 py-1 text-sm outline-none focus:border-accent"
        />
        <span className="text-xs text-muted">{project.path}</span>
        <Link
          to="/projects/$projectId/settings"
          params={{ projectId: project.id }}
          className="text-xs text-accent"
        >
          Project settings
        </Link>
        <Link
          to="/projects/$projectId/build"
          params={{ projectId: project.id }}
          className="text-xs text-accent"
        >
          Build
        </Link>
        <button type="button" onClick={() => setAdding(!adding)} className="text-xs text-accent">
          Add project
        </button>
        <button
          type="button"
          onClick={() => setCreating(true)}
          className="ml-auto rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white"
          title="New task (n)"
        >
          New task
        </button>
      </div>
      {adding && (
        <div className="border-b border-line px-4 py-3">
          <AddProjectForm
            onAdded={(added) => {
              setAdding(false)
              void navigate({ to: '/', search: { project: added.id } })
            }}
          />
        </div>
      )}
      <div className="grid flex-1 auto-cols-[minmax(10.5rem,1fr)] grid-flow-col gap-3 overflow-x-auto p-4">
        {columns.map((column) => {
          const inColumn = shown.filter((task) => column.statuses.includes(task.status))
          return (
            <section
              key={column.title}
              aria-label={column.title}
              className="flex min-h-0 flex-col rounded-lg bg-sunken"
            >
              <h2 className="flex items-center justify-between px-3 py-2 text-xs font-semibold uppercase tracking-wide text-muted">
                {column.title}
                <span>{inColumn.length}</span>
              </h2>
              <div className="min-h-0 flex-1 space-y-2 overflow-y-auto px-2 pb-2">
                {inColumn.map((task) => (
                  <TaskCard key={task.id} task={task} />
                ))}
              </div>
            </section>
          )
        })}
      </div>
      {tasks.data && (
        <footer className="border-t border-line px-4 py-1 text-xs text-muted">
          {shown.length} of {plural(tasks.data.tasks.length, 'task')} · press n for a new task
        </footer>
      )}
      {creating && <NewTaskDialog project={project} onClose={() => setCreating(false)} />}
    </main>
  )
}
