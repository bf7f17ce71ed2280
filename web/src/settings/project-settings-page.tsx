import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link, useParams } from '@tanstack/react-router'
import { useEffect, useState } from 'react'
import type { ProjectSettings } from '../../../src/core/settings.ts'
import { api } from '../api/http.ts'
import { useAgents, useProjects } from '../api/queries.ts'
import type { Project } from '../api/types.ts'
import { ConnectorsSection } from './connectors-section.tsx'
import { Field, inputClass, PathLinesInput, SaveBar } from './field.tsx'
import { PolicyRulesEditor } from './policy-rules-editor.tsx'
import { WebhooksSection } from './webhooks-section.tsx'

/** A project's settings: defaults for new tasks, setup and check commands, sandbox network, policy. */
export const ProjectSettingsPage = () => {
  const { projectId } = useParams({ from: '/projects/$projectId/settings' })
  const projects = useProjects()
  const agents = useAgents()
  const project = projects.data?.projects.find((p) => p.id === projectId)
  const [settings, setSettings] = useState<ProjectSettings>()
  useEffect(() => setSettings(project?.settings), [project])
  const queries = useQueryClient()
  const save = useMutation({
    mutationFn: (next: ProjectSettings) =>
      api<Project>(`/api/projects/${projectId}`, {
        method: 'PATCH',
        body: {
          settings: {
            ...next,
            // An emptied text field goes back to its default.
            defaultModel: next.defaultModel || null,
            setupScript: next.setupScript || null,
            checkCommand: next.checkCommand || null,
          },
        },
      }),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['projects'] }),
  })
  if (projects.error) return <p className="p-6 text-bad">{projects.error.message}</p>
  if (!project || !settings) return <p className="p-6 text-muted">Loading…</p>
  const set = (change: Partial<ProjectSettings>) => setSettings({ ...settings, ...change })
  return (
    <main className="mx-auto max-w-3xl space-y-6 p-6">
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-semibold">{project.name}</h1>
        <span className="font-mono text-xs text-muted">{project.path}</span>
        <Link to="/" search={{ project: project.id }} className="ml-auto text-sm text-accent">
          Back to the board
        </Link>
      </div>
      <form
        className="space-y-4 rounded-xl border border-line bg-panel p-6"
        onSubmit={(event) => {
          event.preventDefault()
          save.mutate(settings)
        }}
      >
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Default agent">
            <select
              name="defaultAgent"
              value={settings.defaultAgent}
              onChange={(event) =>
                set({ defaultAgent: event.target.value as ProjectSettings['defaultAgent'] })
              }
              className={inputClass}
            >
              {(agents.data ?? []).map((agent) => (
                <option key={agent.name} value={agent.name}>
                  {agent.title}
                  {agent.installed ? '' : ' (not installed)'}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Default model">
            <input
              name="defaultModel"
              value={settings.defaultModel ?? ''}
              placeholder="provider:model"
              onChange={(event) => set({ defaultModel: event.target.value })}
              className={`${inputClass} font-mono`}
            />
          </Field>
          <Field label="Default mode">
            <select
              name="defaultMode"
              value={settings.defaultMode}
              onChange={(event) => set({ defaultMode: event.target.value as ProjectSettings['defaultMode'] })}
              className={inputClass}
            >
              <option value="auto">auto</option>
              <option value="default">default</option>
              <option value="plan">plan</option>
            </select>
          </Field>
        </div>
        <Field
          label="Copied into each new workspace"
          hint="Files and folders of the project's own checkout, one a line (e.g. node_modules, .env.local): copied into each new workspace before its setup script, so it starts warm. Whatever is copied, the agent can read."
        >
          <PathLinesInput
            name="copyIntoWorkspace"
            paths={settings.copyIntoWorkspace ?? []}
            placeholder="node_modules"
            onChange={(copyIntoWorkspace) => set({ copyIntoWorkspace })}
          />
        </Field>
        <Field label="Setup script" hint="Runs once in each new workspace, before the agent (e.g. npm ci).">
          <textarea
            name="setupScript"
            rows={3}
            value={settings.setupScript ?? ''}
            onChange={(event) => set({ setupScript: event.target.value })}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <Field
          label="Check command"
          hint="Runs in the workspace when a task finishes; its result shows beside the task."
        >
          <input
            name="checkCommand"
            value={settings.checkCommand ?? ''}
            onChange={(event) => set({ checkCommand: event.target.value })}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="network"
            checked={settings.sandbox.network === 'on'}
            onChange={(event) =>
              set({ sandbox: { ...settings.sandbox, network: event.target.checked ? 'on' : 'off' } })
            }
          />
          <span>
            <span className="font-medium">Network in the sandbox</span>{' '}
            <span className="text-muted">(external agents need it to reach their model)</span>
          </span>
        </label>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Tool policy</legend>
          <Field label="When no rule matches">
            <select
              name="policyDefault"
              value={settings.policy.default}
              onChange={(event) =>
                set({
                  policy: {
                    ...settings.policy,
                    default: event.target.value as ProjectSettings['policy']['default'],
                  },
                })
              }
              className={inputClass}
            >
              <option value="allow">allow</option>
              <option value="ask">ask</option>
              <option value="deny">deny</option>
            </select>
          </Field>
          <PolicyRulesEditor
            rules={settings.policy.rules}
            onChange={(rules) => set({ policy: { ...settings.policy, rules } })}
          />
        </fieldset>
        <SaveBar save={save} />
      </form>
      <section className="space-y-3 rounded-xl border border-line bg-panel p-6">
        <h2 className="font-semibold">This project's connectors</h2>
        <p className="text-xs text-muted">Its agents also get the connectors of every project (Settings).</p>
        <ConnectorsSection projectId={project.id} />
      </section>
      <section className="space-y-3 rounded-xl border border-line bg-panel p-6">
        <h2 className="font-semibold">This project's webhooks</h2>
        <WebhooksSection projectId={project.id} />
      </section>
    </main>
  )
}
