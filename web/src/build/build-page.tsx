import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link, useParams } from '@tanstack/react-router'
import { useState } from 'react'
import { api } from '../api/http.ts'
import { useAgents, useBuild, useBuilds, useFeatures, useProjects } from '../api/queries.ts'
import type { BuildView } from '../api/types.ts'
import { StatusBadge } from '../layout/status-badge.tsx'
import { DependencyGraph } from './dependency-graph.tsx'
import { FeatureBoard } from './feature-board.tsx'
import { useBuildLive } from './use-build-live.ts'

const buildTones: Record<BuildView['status'], string> = {
  running: 'bg-accent/15 text-accent',
  pausing: 'bg-warn/15 text-warn',
  paused: 'bg-sunken text-ink',
  waiting: 'bg-warn/15 text-warn',
  finished: 'bg-good/15 text-good',
  stopped: 'bg-sunken text-muted',
  failed: 'bg-bad/15 text-bad',
}

const settled = ['finished', 'stopped', 'failed']

/** A call on a build (start, pause, resume, stop) that refreshes the dashboard once answered. */
const useBuildCall = (projectId: string) => {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) =>
      api<BuildView>(path, { method: 'POST', body: body ?? {} }),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['builds', projectId] })
      void queries.invalidateQueries({ queryKey: ['build'] })
    },
  })
}

const StartForm = ({ projectId }: { projectId: string }) => {
  const agents = useAgents()
  const [concurrency, setConcurrency] = useState(2)
  const [agent, setAgent] = useState('')
  const [model, setModel] = useState('')
  const start = useBuildCall(projectId)
  return (
    <form
      aria-label="Start a build"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-line bg-panel p-3 text-sm"
      onSubmit={(event) => {
        event.preventDefault()
        start.mutate({
          path: `/api/projects/${projectId}/build`,
          body: { concurrency, ...(agent && { agent }), ...(model.trim() && { model: model.trim() }) },
        })
      }}
    >
      <label className="space-y-1">
        <span className="block text-xs text-muted">Agents at once</span>
        <input
          type="number"
          min={1}
          max={16}
          value={concurrency}
          onChange={(event) => setConcurrency(Number(event.target.value))}
          className="w-20 rounded-md border border-line bg-panel px-2 py-1"
        />
      </label>
      <label className="space-y-1">
        <span className="block text-xs text-muted">Agent</span>
        <select
          value={agent}
          onChange={(event) => setAgent(event.target.value)}
          className="rounded-md border border-line bg-panel px-2 py-1"
        >
          <option value="">The project's default</option>
          {agents.data
            ?.filter((each) => each.installed)
            .map((each) => (
              <option key={each.name} value={each.name}>
                {each.title}
              </option>
            ))}
        </select>
      </label>
      <label className="space-y-1">
        <span className="block text-xs text-muted">Model</span>
        <input
          value={model}
          onChange={(event) => setModel(event.target.value)}
          placeholder="The project's default"
          className="w-56 rounded-md border border-line bg-panel px-2 py-1"
        />
      </label>
      <button
        type="submit"
        disabled={start.isPending}
        className="rounded-md bg-accent px-3 py-1.5 font-medium text-white"
      >
        Start build
      </button>
      {start.error && <p className="w-full text-xs text-bad">{start.error.message}</p>}
    </form>
  )
}

const Controls = ({ build }: { build: BuildView }) => {
  const call = useBuildCall(build.projectId)
  const button = (action: 'pause' | 'resume' | 'stop', label: string) => (
    <button
      type="button"
      disabled={call.isPending}
      onClick={() => call.mutate({ path: `/api/builds/${build.id}/${action}` })}
      className="rounded-md border border-line px-3 py-1 text-sm hover:border-accent"
    >
      {label}
    </button>
  )
  return (
    <div className="flex items-center gap-2">
      {['running', 'waiting'].includes(build.status) && button('pause', 'Pause')}
      {['paused', 'pausing', 'stopped', 'failed'].includes(build.status) && button('resume', 'Resume')}
      {!['stopped', 'finished'].includes(build.status) && button('stop', 'Stop')}
      {call.error && <span className="text-xs text-bad">{call.error.message}</span>}
    </div>
  )
}

const Progress = ({ build }: { build: BuildView }) => {
  const { passing, total, percentage, inProgress, needsHuman } = build.progress
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label="Features passing"
        aria-valuenow={percentage}
        aria-valuemin={0}
        aria-valuemax={100}
        className="h-2 overflow-hidden rounded-full bg-sunken"
      >
        <div className="h-full bg-good transition-all" style={{ width: `${percentage}%` }} />
      </div>
      <p className="text-xs text-muted">
        {passing} of {total} features passing ({percentage}%) · {inProgress} in progress · {needsHuman}{' '}
        waiting for a person
      </p>
    </div>
  )
}

/** A project's autonomous build: its progress, the agents at work and what each does now, the features. */
export const BuildPage = () => {
  const { projectId } = useParams({ from: '/projects/$projectId/build' })
  const projects = useProjects()
  const project = projects.data?.projects.find((p) => p.id === projectId)
  const builds = useBuilds(projectId)
  const latest = builds.data?.[0]
  const build = useBuild(latest?.id)
  const features = useFeatures(projectId)
  const doing = useBuildLive(projectId)
  const shown = build.data

  return (
    <main className="space-y-5 p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Build{project && ` · ${project.name}`}</h1>
        {shown && (
          <span
            data-build-status={shown.status}
            className={`rounded-full px-2 py-0.5 text-xs font-medium ${buildTones[shown.status]}`}
          >
            {shown.status}
          </span>
        )}
        {shown && <span className="text-xs text-muted">on {shown.branch}</span>}
        <Link to="/" search={{ project: projectId }} className="text-xs text-accent">
          Tasks
        </Link>
        {shown && (
          <div className="ml-auto">
            <Controls build={shown} />
          </div>
        )}
      </div>
      {shown?.statusReason && <p className="text-sm text-muted">{shown.statusReason}</p>}
      {(!latest || settled.includes(latest.status)) && <StartForm projectId={projectId} />}
      {shown && <Progress build={shown} />}
      {shown && shown.agents.length > 0 && (
        <section aria-label="Agents at work" className="space-y-2">
          <h2 className="text-xs font-semibold uppercase tracking-wide text-muted">Agents at work</h2>
          <div className="grid grid-cols-[repeat(auto-fill,minmax(16rem,1fr))] gap-2">
            {shown.agents.map((agent) => (
              <Link
                key={agent.taskId}
                to="/tasks/$taskId"
                params={{ taskId: agent.taskId }}
                data-agent={agent.featureName}
                className="space-y-1 rounded-lg border border-line bg-panel p-2.5 text-sm hover:border-accent"
              >
                <div className="flex items-center justify-between gap-2">
                  <span className="font-medium">{agent.featureName}</span>
                  <StatusBadge status={agent.status} />
                </div>
                <div className="truncate font-mono text-xs text-muted">
                  {doing.get(agent.taskId) ?? 'starting'}
                </div>
              </Link>
            ))}
          </div>
        </section>
      )}
      {features.data && features.data.length > 0 && (
        <>
          <section aria-label="Features" className="space-y-2">
            <h2 className="text-xs font-semibold uppercase tracking-wide text-muted">Features</h2>
            <FeatureBoard features={features.data} />
          </section>
          <section aria-label="Dependencies" className="space-y-2">
            <h2 className="text-xs font-semibold uppercase tracking-wide text-muted">Dependencies</h2>
            <div className="overflow-x-auto rounded-lg border border-line bg-panel p-3">
              <DependencyGraph features={features.data} />
            </div>
          </section>
        </>
      )}
      {features.data?.length === 0 && !shown && (
        <p className="text-sm text-muted">
          No features yet: a build writes them from the project's spec (.cadre/spec.md, or the spec kept in
          Cadre).
        </p>
      )}
    </main>
  )
}
