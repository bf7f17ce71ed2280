import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useState } from 'react'
import { api } from '../api/http.ts'
import { type AgentInfo, useAgents } from '../api/queries.ts'
import type { Project, Task } from '../api/types.ts'

const modes = [
  ['auto', 'Auto: never asks'],
  ['default', 'Default: asks where the policy says'],
  ['plan', 'Plan: reads, then proposes a plan'],
] as const

const canDo = (agent: AgentInfo) =>
  Object.entries(agent.capabilities)
    .filter(([, yes]) => yes)
    .map(([what]) => what)
    .join(', ')

/**
 * A new task: the prompt, the agent (only installed ones can be chosen; the others say why not and
 * what they need), model and mode, or several agents to compare.
 */
export const NewTaskDialog = ({ project, onClose }: { project: Project; onClose: () => void }) => {
  const agents = useAgents()
  const navigate = useNavigate()
  const queries = useQueryClient()
  const [prompt, setPrompt] = useState('')
  const [agent, setAgent] = useState(project.settings.defaultAgent)
  const [compare, setCompare] = useState<string[]>([])
  const [model, setModel] = useState(project.settings.defaultModel ?? '')
  const [mode, setMode] = useState<string>(project.settings.defaultMode)
  const create = useMutation({
    mutationFn: () =>
      api<Task>('/api/tasks', {
        body: {
          projectId: project.id,
          prompt,
          mode,
          ...(model.trim() && { model: model.trim() }),
          ...(compare.length >= 2 ? { agents: compare } : { agent }),
        },
      }),
    onSuccess: (task) => {
      void queries.invalidateQueries({ queryKey: ['tasks', project.id] })
      onClose()
      void navigate({ to: '/tasks/$taskId', params: { taskId: task.id } })
    },
  })
  const toggleCompare = (name: string) =>
    setCompare((chosen) => (chosen.includes(name) ? chosen.filter((n) => n !== name) : [...chosen, name]))
  return (
    <div
      className="fixed inset-0 z-20 grid place-items-center bg-black/40 p-4"
      role="dialog"
      aria-label="New task"
    >
      <form
        className="w-full max-w-xl space-y-4 rounded-xl border border-line bg-panel p-6 shadow-xl"
        onSubmit={(event) => {
          event.preventDefault()
          create.mutate()
        }}
        onKeyDown={(event) => event.key === 'Escape' && onClose()}
      >
        <h2 className="text-lg font-semibold">New task in {project.name}</h2>
        <textarea
          name="prompt"
          // biome-ignore lint/a11y/noAutofocus: the dialog opens to be typed in
          autoFocus
          rows={5}
          value={prompt}
          placeholder="What should the agent do?"
          onChange={(event) => setPrompt(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) create.mutate()
          }}
          className="w-full rounded-md border border-line bg-canvas p-3 text-sm outline-none focus:border-accent"
        />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Agent</legend>
          <div className="grid gap-1">
            {(agents.data ?? []).map((known) => (
              <label
                key={known.name}
                className={`flex items-start gap-2 rounded-md border border-line px-3 py-2 text-sm ${known.installed ? '' : 'opacity-60'}`}
              >
                <input
                  type="radio"
                  name="agent"
                  value={known.name}
                  disabled={!known.installed || compare.length >= 2}
                  checked={agent === known.name}
                  onChange={() => setAgent(known.name)}
                  className="mt-1"
                />
                <span className="flex-1">
                  <span className="font-medium">{known.title}</span>{' '}
                  <span className="text-muted">
                    {known.installed
                      ? `${known.version ?? ''} · ${canDo(known) || 'runs tasks'}`
                      : `not installed: cadre agents install ${known.name} · needs ${known.needs}`}
                  </span>
                </span>
                {known.installed && (
                  <span className="flex items-center gap-1 text-xs text-muted">
                    <input
                      type="checkbox"
                      aria-label={`compare with ${known.title}`}
                      checked={compare.includes(known.name)}
                      onChange={() => toggleCompare(known.name)}
                    />
                    compare
                  </span>
                )}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid grid-cols-2 gap-3">
          <label className="space-y-1 text-sm">
            <span className="font-medium">Model</span>
            <input
              name="model"
              value={model}
              placeholder="provider:model"
              onChange={(event) => setModel(event.target.value)}
              className="w-full rounded-md border border-line bg-canvas px-3 py-1.5 font-mono text-sm outline-none focus:border-accent"
            />
          </label>
          <label className="space-y-1 text-sm">
            <span className="font-medium">Mode</span>
            <select
              name="mode"
              value={mode}
              onChange={(event) => setMode(event.target.value)}
              className="w-full rounded-md border border-line bg-canvas px-2 py-1.5 text-sm"
            >
              {modes.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {create.error && (
          <p role="alert" className="text-sm text-bad">
            {create.error.message}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded-md px-3 py-1.5 text-sm text-muted">
            Cancel
          </button>
          <button
            type="submit"
            disabled={!prompt.trim() || create.isPending}
            className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
          >
            {compare.length >= 2 ? `Compare ${compare.length} agents` : 'Start task'}
          </button>
        </div>
      </form>
    </div>
  )
}
