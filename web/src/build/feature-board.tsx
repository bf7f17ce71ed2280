import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { api } from '../api/http.ts'
import type { Feature } from '../api/types.ts'

/** Features code-complete that no command can check: a person verifies them by hand. */
export const byHand = (feature: Feature) =>
  feature.status === 'needs_human' && (feature.note ?? '').startsWith('Code complete')

const lanes: { title: string; holds: (feature: Feature) => boolean }[] = [
  { title: 'Pending', holds: (f) => f.status === 'pending' },
  { title: 'In progress', holds: (f) => f.status === 'in_progress' },
  { title: 'Failing', holds: (f) => f.status === 'failing' },
  { title: 'Needs a person', holds: (f) => f.status === 'needs_human' && !byHand(f) },
  { title: 'Code complete — verify by hand', holds: byHand },
  { title: 'Passing', holds: (f) => f.status === 'passing' },
  { title: 'Skipped', holds: (f) => f.status === 'skipped' },
]

const useFeatureCall = (projectId: string) => {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: ({ path, method, body }: { path: string; method: string; body: unknown }) =>
      api<Feature>(path, { method, body }),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['features', projectId] }),
  })
}

/** A person's answer to the question a feature's agent asked. */
const AnswerForm = ({ feature }: { feature: Feature }) => {
  const [answer, setAnswer] = useState('')
  const call = useFeatureCall(feature.projectId)
  const options = feature.note?.match(/\nOptions: (.+)$/)?.[1]?.split(' | ') ?? []
  const send = (text: string) =>
    call.mutate({ path: `/api/features/${feature.id}/answer`, method: 'POST', body: { answer: text } })
  return (
    <form
      className="space-y-1.5"
      onSubmit={(event) => {
        event.preventDefault()
        send(answer)
      }}
    >
      {options.length > 0 && (
        <div className="flex flex-wrap gap-1">
          {options.map((option) => (
            <button
              key={option}
              type="button"
              onClick={() => send(option)}
              className="rounded-md border border-line px-2 py-0.5 text-xs hover:border-accent"
            >
              {option}
            </button>
          ))}
        </div>
      )}
      <div className="flex gap-1">
        <input
          aria-label={`Answer for ${feature.name}`}
          value={answer}
          onChange={(event) => setAnswer(event.target.value)}
          placeholder="Your answer"
          className="min-w-0 flex-1 rounded-md border border-line bg-panel px-2 py-1 text-xs"
        />
        <button type="submit" className="rounded-md bg-accent px-2 py-1 text-xs font-medium text-white">
          Answer
        </button>
      </div>
      {call.error && <p className="text-xs text-bad">{call.error.message}</p>}
    </form>
  )
}

/** A feature verified by hand: it works (passing), or it goes back to the agents. */
const HandCheck = ({ feature }: { feature: Feature }) => {
  const call = useFeatureCall(feature.projectId)
  const set = (status: Feature['status']) =>
    call.mutate({ path: `/api/features/${feature.id}`, method: 'PATCH', body: { status, note: null } })
  return (
    <div className="flex gap-1">
      <button
        type="button"
        onClick={() => set('passing')}
        className="rounded-md bg-good/15 px-2 py-0.5 text-xs text-good"
      >
        It works
      </button>
      <button
        type="button"
        onClick={() => set('pending')}
        className="rounded-md bg-sunken px-2 py-0.5 text-xs"
      >
        Send back
      </button>
    </div>
  )
}

const FeatureCard = ({ feature, names }: { feature: Feature; names: ReadonlyMap<string, string> }) => (
  <article
    data-feature={feature.name}
    className="space-y-1.5 rounded-lg border border-line bg-panel p-2.5 text-sm shadow-xs"
  >
    <div className="flex items-start justify-between gap-2">
      <span className="font-medium leading-snug">{feature.name}</span>
      {feature.attempts > 0 && (
        <span className="shrink-0 rounded-full bg-sunken px-1.5 text-xs text-muted" title="tries spent">
          ×{feature.attempts}
        </span>
      )}
    </div>
    <div className="text-xs text-muted">
      {feature.category}
      {feature.dependsOn.length > 0 &&
        ` · after ${feature.dependsOn.map((id) => names.get(id) ?? id).join(', ')}`}
    </div>
    {feature.note && !byHand(feature) && (
      <p className="line-clamp-4 whitespace-pre-wrap text-xs text-ink/80">
        {feature.note.replace(/\nOptions: .+$/, '')}
      </p>
    )}
    {feature.status === 'needs_human' && !byHand(feature) && <AnswerForm feature={feature} />}
    {byHand(feature) && <HandCheck feature={feature} />}
    {feature.lastTaskId && (
      <Link to="/tasks/$taskId" params={{ taskId: feature.lastTaskId }} className="block text-xs text-accent">
        Its task
      </Link>
    )}
  </article>
)

/** The feature list as a board, one lane per state, a person's questions answerable in place. */
export const FeatureBoard = ({ features }: { features: readonly Feature[] }) => {
  const names = new Map(features.map((feature) => [feature.id, feature.name]))
  return (
    <div className="grid auto-cols-[minmax(11rem,1fr)] grid-flow-col gap-3 overflow-x-auto">
      {lanes.map((lane) => {
        const held = features.filter(lane.holds)
        return (
          <section key={lane.title} aria-label={lane.title} className="flex flex-col rounded-lg bg-sunken">
            <h3 className="flex items-center justify-between gap-2 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-muted">
              {lane.title}
              <span>{held.length}</span>
            </h3>
            <div className="space-y-2 px-2 pb-2">
              {held.map((feature) => (
                <FeatureCard key={feature.id} feature={feature} names={names} />
              ))}
            </div>
          </section>
        )
      })}
    </div>
  )
}
