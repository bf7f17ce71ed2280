import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { Webhook, WebhookDelivery, WebhookEvent } from '../../../src/core/webhooks.ts'
import { api } from '../api/http.ts'
import { inputClass } from './field.tsx'

const events: WebhookEvent[] = [
  'task.finished',
  'task.needs_input',
  'feature.passing',
  'feature.failing',
  'build.progress',
]
const button = 'rounded-md border border-line px-2 py-0.5 text-xs'

/** A webhook's last deliveries: what was sent, how the receiver answered, and sending one again. */
const Deliveries = ({ webhookId }: { webhookId: string }) => {
  const queries = useQueryClient()
  const key = ['deliveries', webhookId]
  const deliveries = useQuery({
    queryKey: key,
    queryFn: () => api<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${webhookId}/deliveries?limit=10`),
  })
  const resend = useMutation({
    mutationFn: (id: string) => api(`/api/webhooks/${webhookId}/deliveries/${id}/resend`, { body: {} }),
    onSuccess: () => void queries.invalidateQueries({ queryKey: key }),
  })
  const list = deliveries.data?.deliveries ?? []
  if (list.length === 0) return <p className="text-xs text-muted">No deliveries yet.</p>
  return (
    <table className="w-full text-left text-xs">
      <thead className="text-muted">
        <tr>
          <th className="py-1">Event</th>
          <th>Status</th>
          <th>Answer</th>
          <th>Attempts</th>
          <th>When</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {list.map((delivery) => (
          <tr key={delivery.id} className="border-t border-line" data-delivery={delivery.id}>
            <td className="py-1 font-mono">{delivery.event}</td>
            <td
              className={
                delivery.status === 'delivered'
                  ? 'text-good'
                  : delivery.status === 'failed'
                    ? 'text-bad'
                    : 'text-warn'
              }
            >
              {delivery.status}
            </td>
            <td title={delivery.error ?? ''}>
              {delivery.responseStatus ?? '—'}
              {delivery.durationMs !== null && ` in ${delivery.durationMs} ms`}
            </td>
            <td>{delivery.attempts}</td>
            <td>{new Date(delivery.createdAt).toLocaleString()}</td>
            <td>
              <button type="button" className={button} onClick={() => resend.mutate(delivery.id)}>
                Resend
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Webhooks for every project: add one (its secret shown once), switch off, delete, see deliveries. */
export const WebhooksSection = ({ projectId }: { projectId?: string }) => {
  const queries = useQueryClient()
  const webhooks = useQuery({
    queryKey: ['webhooks', projectId],
    queryFn: () =>
      api<{ webhooks: Webhook[] }>(projectId ? `/api/webhooks?projectId=${projectId}` : '/api/webhooks'),
  })
  const refresh = () => void queries.invalidateQueries({ queryKey: ['webhooks'] })
  const [url, setUrl] = useState('')
  const [chosen, setChosen] = useState<WebhookEvent[]>(['task.finished'])
  const [secret, setSecret] = useState<string>()
  const add = useMutation({
    mutationFn: () =>
      api<{ webhook: Webhook; secret: string }>('/api/webhooks', {
        body: { url: url.trim(), events: chosen, ...(projectId && { projectId }) },
      }),
    onSuccess: (made) => {
      setSecret(made.secret)
      setUrl('')
      refresh()
    },
  })
  const toggle = useMutation({
    mutationFn: (webhook: Webhook) =>
      api(`/api/webhooks/${webhook.id}`, { method: 'PATCH', body: { enabled: !webhook.enabled } }),
    onSuccess: refresh,
  })
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/webhooks/${id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  })
  return (
    <div className="space-y-3">
      <ul className="space-y-3">
        {(webhooks.data?.webhooks ?? []).map((webhook) => (
          <li key={webhook.id} className="space-y-2 rounded-lg border border-line p-3 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-xs">{webhook.url}</span>
              <span className="text-xs text-muted">{webhook.events.join(', ')}</span>
              {webhook.projectId && <span className="text-xs text-muted">project {webhook.projectId}</span>}
              <button type="button" className={`${button} ml-auto`} onClick={() => toggle.mutate(webhook)}>
                {webhook.enabled ? 'Switch off' : 'Switch on'}
              </button>
              <button
                type="button"
                className={`${button} text-bad`}
                onClick={() => remove.mutate(webhook.id)}
              >
                Delete
              </button>
            </div>
            <Deliveries webhookId={webhook.id} />
          </li>
        ))}
      </ul>
      <form
        className="space-y-2"
        onSubmit={(event) => {
          event.preventDefault()
          add.mutate()
        }}
      >
        <input
          name="webhookUrl"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          placeholder="https://example.com/cadre-hook"
          className={`${inputClass} font-mono`}
        />
        <div className="flex flex-wrap gap-3 text-xs">
          {events.map((name) => (
            <label key={name} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={chosen.includes(name)}
                onChange={(event) =>
                  setChosen(event.target.checked ? [...chosen, name] : chosen.filter((each) => each !== name))
                }
              />
              <span className="font-mono">{name}</span>
            </label>
          ))}
          <button
            type="submit"
            disabled={!url.trim() || chosen.length === 0}
            className="ml-auto rounded-md bg-accent px-3 py-1 text-white disabled:opacity-50"
          >
            Add webhook
          </button>
        </div>
        {add.error && (
          <p role="alert" className="text-xs text-bad">
            {add.error.message}
          </p>
        )}
        {secret && (
          <p className="rounded-md border border-line p-2 text-xs" role="status">
            Its signing secret, shown this once: <code className="font-mono">{secret}</code>. Deliveries carry{' '}
            <code className="font-mono">cadre-signature: t=…,v1=…</code>, an HMAC-SHA256 of{' '}
            <code>t.body</code>.
          </p>
        )}
      </form>
    </div>
  )
}
