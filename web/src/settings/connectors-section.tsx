import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { Connector } from '../../../src/core/connectors.ts'
import { api } from '../api/http.ts'
import { inputClass } from './field.tsx'

interface CheckResult {
  ok: boolean
  tools?: { name: string; description?: string }[]
  error?: string
}

const button = 'rounded-md border border-line px-2 py-0.5 text-xs'

/** One connector: how it is reached, a check that lists its tools, switching it off, removing it. */
const ConnectorRow = ({ connector, refresh }: { connector: Connector; refresh: () => void }) => {
  const check = useMutation({
    mutationFn: () => api<CheckResult>(`/api/connectors/${connector.id}/check`, { body: {} }),
  })
  const toggle = useMutation({
    mutationFn: () =>
      api(`/api/connectors/${connector.id}`, { method: 'PATCH', body: { enabled: !connector.enabled } }),
    onSuccess: refresh,
  })
  const remove = useMutation({
    mutationFn: () => api(`/api/connectors/${connector.id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  })
  // OAuth: the authorization server's page opens in a new tab and sends the person back to Cadre.
  const authorize = useMutation({
    mutationFn: () =>
      api<{ authorized: boolean; authorizationUrl?: string }>(`/api/connectors/${connector.id}/authorize`, {
        body: {},
      }),
    onSuccess: (answer) => {
      if (answer.authorizationUrl) window.open(answer.authorizationUrl, '_blank', 'noopener')
      refresh()
    },
  })
  return (
    <li className="space-y-1 rounded-lg border border-line p-3 text-sm" data-connector={connector.name}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{connector.name}</span>
        <span className="font-mono text-xs text-muted">
          {connector.transport === 'stdio' ? [connector.command, ...connector.args].join(' ') : connector.url}
        </span>
        {[...connector.envNames, ...connector.headerNames].length > 0 && (
          <span className="text-xs text-muted">
            secrets: {[...connector.envNames, ...connector.headerNames].join(', ')}
          </span>
        )}
        {connector.oauth && (
          <span className={`text-xs ${connector.oauth.authorized ? 'text-good' : 'text-warn'}`}>
            OAuth: {connector.oauth.authorized ? 'authorized' : 'not authorized'}
          </span>
        )}
        {connector.oauth && (
          <button type="button" className={`${button} ml-auto`} onClick={() => authorize.mutate()}>
            {connector.oauth.authorized ? 'Authorize again' : 'Authorize'}
          </button>
        )}
        <button
          type="button"
          className={`${button} ${connector.oauth ? '' : 'ml-auto'}`}
          onClick={() => check.mutate()}
        >
          {check.isPending ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className={button} onClick={() => toggle.mutate()}>
          {connector.enabled ? 'Switch off' : 'Switch on'}
        </button>
        <button type="button" className={`${button} text-bad`} onClick={() => remove.mutate()}>
          Remove
        </button>
      </div>
      {authorize.error && (
        <p className="text-xs text-bad" role="alert">
          {authorize.error.message}
        </p>
      )}
      {check.data && (
        <p className={`text-xs ${check.data.ok ? 'text-good' : 'text-bad'}`} role="status">
          {check.data.ok
            ? `Tools: ${(check.data.tools ?? []).map((tool) => tool.name).join(', ')}`
            : check.data.error}
        </p>
      )}
    </li>
  )
}

/** MCP servers given to every project's agents: add one by command or URL, with its secrets sealed. */
export const ConnectorsSection = ({ projectId }: { projectId?: string }) => {
  const queries = useQueryClient()
  const connectors = useQuery({
    queryKey: ['connectors', projectId],
    queryFn: () =>
      api<{ connectors: Connector[] }>(
        projectId ? `/api/connectors?projectId=${projectId}` : '/api/connectors',
      ),
  })
  const refresh = () => void queries.invalidateQueries({ queryKey: ['connectors'] })
  const [name, setName] = useState('')
  const [target, setTarget] = useState('')
  const [oauth, setOauth] = useState(false)
  const http = /^https?:\/\//.test(target.trim())
  const add = useMutation({
    mutationFn: () => {
      const [command, ...args] = target.trim().split(/\s+/)
      return api('/api/connectors', {
        body: http
          ? {
              name,
              transport: 'http',
              url: target.trim(),
              ...(oauth && { oauth: true }),
              ...(projectId && { projectId }),
            }
          : { name, transport: 'stdio', command, args, ...(projectId && { projectId }) },
      })
    },
    onSuccess: () => {
      setName('')
      setTarget('')
      refresh()
    },
  })
  return (
    <div className="space-y-3">
      <ul className="space-y-2">
        {(connectors.data?.connectors ?? []).map((connector) => (
          <ConnectorRow key={connector.id} connector={connector} refresh={refresh} />
        ))}
      </ul>
      <form
        className="flex flex-wrap gap-2"
        onSubmit={(event) => {
          event.preventDefault()
          add.mutate()
        }}
      >
        <input
          name="connectorName"
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="name"
          className={`${inputClass} w-32`}
        />
        <input
          name="connectorTarget"
          value={target}
          onChange={(event) => setTarget(event.target.value)}
          placeholder="a command (npx -y @modelcontextprotocol/server-github) or a URL"
          className={`${inputClass} min-w-0 flex-1 font-mono`}
        />
        {http && (
          <label className="flex items-center gap-1 text-xs text-muted">
            <input type="checkbox" checked={oauth} onChange={(event) => setOauth(event.target.checked)} />
            signs in with OAuth
          </label>
        )}
        <button
          type="submit"
          disabled={!name || !target.trim()}
          className="rounded-md bg-accent px-3 text-sm text-white disabled:opacity-50"
        >
          Add
        </button>
        {add.error && (
          <p role="alert" className="w-full text-xs text-bad">
            {add.error.message}
          </p>
        )}
      </form>
      <p className="text-xs text-muted">
        Secrets (an environment variable, an Authorization header) go in through the API: they are stored
        sealed and never shown again.
      </p>
    </div>
  )
}
