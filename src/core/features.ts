import { z } from 'zod'

export const FeatureStatus = z.enum([
  'pending',
  'in_progress',
  'passing',
  'failing',
  'skipped',
  'needs_human',
])
export type FeatureStatus = z.infer<typeof FeatureStatus>

/** An item of a project's feature list: what to build, how to verify it, what it waits for. */
export const Feature = z.object({
  id: z.string(),
  projectId: z.string(),
  position: z.number().int().describe('its place in the list: lower is worked on first'),
  category: z.string(),
  name: z.string(),
  description: z.string(),
  steps: z.array(z.string()).describe('how to verify it, step by step'),
  dependsOn: z.array(z.string()).describe('ids of the features it waits for'),
  status: FeatureStatus,
  attempts: z.number().int(),
  lastTaskId: z.string().nullable().describe('the task that last worked on it'),
  note: z.string().nullable().describe('why it fails, or what a person is asked'),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Feature = z.infer<typeof Feature>

/** How far a feature list is: counts by status, and the share passing of those not skipped. */
export const featureStats = (features: readonly Pick<Feature, 'status'>[]) => {
  const counts = Object.fromEntries(
    FeatureStatus.options.map((status) => [status, features.filter((f) => f.status === status).length]),
  ) as Record<FeatureStatus, number>
  const total = features.length - counts.skipped
  return {
    total,
    ...counts,
    percentage: total === 0 ? 0 : Math.round((100 * counts.passing) / total),
  }
}

/**
 * A cycle in the dependencies, as the names along it (`A → B → A`), or undefined. Every feature
 * is a node; its edges go to the features it depends on.
 */
export const findDependencyCycle = (
  features: readonly Pick<Feature, 'id' | 'name' | 'dependsOn'>[],
): string[] | undefined => {
  const byId = new Map(features.map((feature) => [feature.id, feature]))
  const state = new Map<string, 'visiting' | 'done'>()
  const path: string[] = []
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined
    if (state.get(id) === 'visiting') {
      const start = path.indexOf(id)
      return [...path.slice(start), id].map((each) => byId.get(each)?.name ?? each)
    }
    state.set(id, 'visiting')
    path.push(id)
    for (const next of byId.get(id)?.dependsOn ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(id, 'done')
    return undefined
  }
  for (const feature of features) {
    const cycle = visit(feature.id)
    if (cycle) return cycle
  }
  return undefined
}
