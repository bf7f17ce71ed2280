import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { ProviderCheck, ProviderView } from '../../../src/models/provider-config.ts'
import { api } from '../api/http.ts'
import { inputClass } from './field.tsx'

/** One provider: its key shown masked, a new key entered once (stored encrypted), a live check. */
const ProviderRow = ({ provider }: { provider: ProviderView }) => {
  const queries = useQueryClient()
  const [apiKey, setApiKey] = useState('')
  const [baseUrl, setBaseUrl] = useState(
    provider.baseUrlSource === 'settings' ? (provider.baseUrl ?? '') : '',
  )
  const save = useMutation({
    mutationFn: () =>
      api<ProviderView>(`/api/providers/${provider.name}`, {
        method: 'PUT',
        body: { ...(apiKey.trim() && { apiKey: apiKey.trim() }), baseUrl: baseUrl.trim() || null },
      }),
    onSuccess: () => {
      setApiKey('')
      void queries.invalidateQueries({ queryKey: ['providers'] })
    },
  })
  const check = useMutation({
    mutationFn: () => api<ProviderCheck>(`/api/providers/${provider.name}/check`, { body: {} }),
  })
  return (
    <li className="space-y-2 rounded-lg border border-line p-3 text-sm" data-provider={provider.name}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{provider.name}</span>
        <span className="text-xs text-muted">{provider.kind}</span>
        <span className={`text-xs ${provider.ready ? 'text-good' : 'text-warn'}`}>
          {provider.ready ? 'ready' : provider.problem}
        </span>
        {provider.apiKey && (
          <span className="font-mono text-xs text-muted">
            {provider.apiKey} ({provider.apiKeySource})
          </span>
        )}
      </div>
      <form
        className="flex flex-wrap gap-2"
        onSubmit={(event) => {
          event.preventDefault()
          save.mutate()
        }}
      >
        <input
          type="password"
          autoComplete="off"
          aria-label={`${provider.name} API key`}
          placeholder={provider.apiKey ? 'replace the key' : 'API key'}
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          className={`${inputClass} w-56 flex-none font-mono`}
        />
        <input
          aria-label={`${provider.name} base URL`}
          placeholder={provider.baseUrl ?? 'base URL (default)'}
          value={baseUrl}
          onChange={(event) => setBaseUrl(event.target.value)}
          className={`${inputClass} min-w-0 flex-1 font-mono`}
        />
        <button type="submit" className="rounded-md border border-line px-3 py-1">
          Save
        </button>
        <button
          type="button"
          onClick={() => check.mutate()}
          className="rounded-md border border-line px-3 py-1"
        >
          Check
        </button>
      </form>
      {save.error && (
        <p role="alert" className="text-bad">
          {save.error.message}
        </p>
      )}
      {check.data && <p className={check.data.ok ? 'text-good' : 'text-bad'}>{check.data.message}</p>}
      {check.error && <p className="text-bad">{check.error.message}</p>}
    </li>
  )
}

/** Every provider Cadre knows or was given. */
export const ProvidersSection = () => {
  const providers = useQuery({
    queryKey: ['providers'],
    queryFn: () => api<{ providers: ProviderView[] }>('/api/providers'),
  })
  if (providers.error) return <p className="text-bad">{providers.error.message}</p>
  return (
    <ul className="space-y-2">
      {(providers.data?.providers ?? []).map((provider) => (
        <ProviderRow key={provider.name} provider={provider} />
      ))}
    </ul>
  )
}
