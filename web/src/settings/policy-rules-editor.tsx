import { useState } from 'react'
import type { PolicyRule } from '../../../src/core/settings.ts'

const actions = ['allow', 'ask', 'deny'] as const

/** Each rule with a key of its own: what it says, and which repeat of it this is. */
const keyed = (rules: readonly PolicyRule[]) => {
  const seen = new Map<string, number>()
  return rules.map((rule) => {
    const said = `${rule.tool}\u0000${rule.pattern ?? ''}\u0000${rule.action}`
    const repeat = seen.get(said) ?? 0
    seen.set(said, repeat + 1)
    return { rule, key: `${said}\u0000${repeat}` }
  })
}

/**
 * Tool policy rules in order (the first that matches decides): a tool name or `*`, a glob over the
 * command line or path, and what happens.
 */
export const PolicyRulesEditor = ({
  rules,
  onChange,
}: {
  rules: PolicyRule[]
  onChange: (rules: PolicyRule[]) => void
}) => {
  const [draft, setDraft] = useState<PolicyRule>({ tool: 'bash', pattern: '', action: 'ask' })
  return (
    <div className="space-y-2 text-sm">
      {rules.length === 0 && <p className="text-muted">No rules: the default decides.</p>}
      <ol className="space-y-1">
        {keyed(rules).map(({ rule, key }, index) => (
          <li key={key} className="flex items-center gap-2 rounded-md bg-sunken px-2 py-1">
            <span className="w-6 text-xs text-muted">{index + 1}.</span>
            <code className="font-mono">{rule.tool}</code>
            <code className="flex-1 font-mono text-muted">{rule.pattern ?? '(any)'}</code>
            <span
              className={
                rule.action === 'deny' ? 'text-bad' : rule.action === 'ask' ? 'text-warn' : 'text-good'
              }
            >
              {rule.action}
            </span>
            <button
              type="button"
              aria-label={`Remove rule ${index + 1}`}
              onClick={() => onChange(rules.filter((_, i) => i !== index))}
              className="px-1 text-muted hover:text-bad"
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-2">
        <input
          aria-label="Rule tool"
          value={draft.tool}
          onChange={(event) => setDraft({ ...draft, tool: event.target.value })}
          className="w-28 rounded-md border border-line bg-canvas px-2 py-1 font-mono"
        />
        <input
          aria-label="Rule pattern"
          placeholder="git push*  or  src/**/*.env"
          value={draft.pattern ?? ''}
          onChange={(event) => setDraft({ ...draft, pattern: event.target.value })}
          className="min-w-0 flex-1 rounded-md border border-line bg-canvas px-2 py-1 font-mono"
        />
        <select
          aria-label="Rule action"
          value={draft.action}
          onChange={(event) => setDraft({ ...draft, action: event.target.value as PolicyRule['action'] })}
          className="rounded-md border border-line bg-canvas px-2 py-1"
        >
          {actions.map((action) => (
            <option key={action}>{action}</option>
          ))}
        </select>
        <button
          type="button"
          disabled={!draft.tool.trim()}
          onClick={() => {
            const pattern = draft.pattern?.trim()
            onChange([
              ...rules,
              { tool: draft.tool.trim(), action: draft.action, ...(pattern && { pattern }) },
            ])
            setDraft({ ...draft, pattern: '' })
          }}
          className="rounded-md border border-line px-2 py-1"
        >
          Add rule
        </button>
      </div>
    </div>
  )
}
