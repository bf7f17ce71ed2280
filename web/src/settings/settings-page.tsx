import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useEffect, useState } from 'react'
import type { GlobalSettings } from '../../../src/core/settings.ts'
import { api } from '../api/http.ts'
import { useAgents } from '../api/queries.ts'
import { ConnectorsSection } from './connectors-section.tsx'
import { Field, inputClass, PathLinesInput, SaveBar } from './field.tsx'
import { PolicyRulesEditor } from './policy-rules-editor.tsx'
import { ProvidersSection } from './providers-section.tsx'
import { WebhooksSection } from './webhooks-section.tsx'

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <section className="space-y-3 rounded-xl border border-line bg-panel p-6">
    <h2 className="font-semibold">{title}</h2>
    {children}
  </section>
)

/** The server's settings: providers and their keys, defaults, the global policy, the agents here. */
export const SettingsPage = () => {
  const queries = useQueryClient()
  const stored = useQuery({ queryKey: ['settings'], queryFn: () => api<GlobalSettings>('/api/settings') })
  const agents = useAgents()
  const [settings, setSettings] = useState<GlobalSettings>()
  useEffect(() => setSettings(stored.data), [stored.data])
  const save = useMutation({
    mutationFn: (next: GlobalSettings) =>
      api<GlobalSettings>('/api/settings', {
        method: 'PATCH',
        body: {
          defaultModel: next.defaultModel || null,
          maxConcurrentRuns: next.maxConcurrentRuns,
          hiddenPaths: next.hiddenPaths,
          policy: next.policy,
        },
      }),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['settings'] }),
  })
  return (
    <main className="mx-auto max-w-3xl space-y-6 p-6">
      <h1 className="text-xl font-semibold">Settings</h1>
      <Section title="Model providers">
        <p className="text-sm text-muted">Keys are stored encrypted and only ever shown masked.</p>
        <ProvidersSection />
      </Section>
      {settings && (
        <Section title="Defaults and policy for every project">
          <form
            className="space-y-4"
            onSubmit={(event) => {
              event.preventDefault()
              save.mutate(settings)
            }}
          >
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Default model" hint="for tasks and projects that name none">
                <input
                  name="globalDefaultModel"
                  value={settings.defaultModel ?? ''}
                  placeholder="provider:model"
                  onChange={(event) => setSettings({ ...settings, defaultModel: event.target.value })}
                  className={`${inputClass} font-mono`}
                />
              </Field>
              <Field label="Tasks running at once">
                <input
                  type="number"
                  name="maxConcurrentRuns"
                  value={settings.maxConcurrentRuns}
                  onChange={(event) =>
                    setSettings({ ...settings, maxConcurrentRuns: Number(event.target.value) })
                  }
                  className={inputClass}
                />
              </Field>
            </div>
            <Field
              label="Hidden from agents"
              hint="One path a line (absolute, or starting with ~/), hidden from every sandboxed process from its next run on. Under bubblewrap, Cadre's home, your credential stores (~/.ssh, ~/.aws, ~/.config/gh, ~/.netrc and the like) and the container engines' and your agents' sockets always are."
            >
              <PathLinesInput
                name="hiddenPaths"
                paths={settings.hiddenPaths}
                placeholder="~/private"
                onChange={(hiddenPaths) => setSettings({ ...settings, hiddenPaths })}
              />
            </Field>
            <Field
              label="Global policy"
              hint="A global deny holds over any project; the other rules apply where a project's say nothing."
            >
              <PolicyRulesEditor
                rules={settings.policy.rules}
                onChange={(rules) => setSettings({ ...settings, policy: { rules } })}
              />
            </Field>
            <SaveBar save={save} />
          </form>
        </Section>
      )}
      <Section title="Connectors (MCP servers for every project's agents)">
        <ConnectorsSection />
      </Section>
      <Section title="Webhooks">
        <WebhooksSection />
      </Section>
      <Section title="Agents on this server">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-muted">
            <tr>
              <th className="py-1">Agent</th>
              <th>Installed</th>
              <th>Can</th>
            </tr>
          </thead>
          <tbody>
            {(agents.data ?? []).map((agent) => (
              <tr key={agent.name} className="border-t border-line">
                <td className="py-1.5">{agent.title}</td>
                <td>
                  {agent.installed ? (
                    (agent.version ?? 'yes')
                  ) : (
                    <code className="font-mono text-xs">cadre agents install {agent.name}</code>
                  )}
                </td>
                <td className="text-xs text-muted">
                  {Object.entries(agent.capabilities)
                    .filter(([, yes]) => yes)
                    .map(([what]) => what)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </main>
  )
}
