/** The kinds of things a fuzzed request can name by id. */
export type IdKind =
  | 'project'
  | 'task'
  | 'thread'
  | 'webhook'
  | 'delivery'
  | 'feature'
  | 'connector'
  | 'build'
  | 'provider'
  | 'approval'

const prefixes: Partial<Record<string, IdKind>> = {
  prj: 'project',
  tsk: 'task',
  thr: 'thread',
  whk: 'webhook',
  dlv: 'delivery',
  ftr: 'feature',
  con: 'connector',
  bld: 'build',
}

/** The id of something that exists, chosen when a request is sent: `@@task:3@@` in a body or path. */
export const idMarker = (kind: IdKind, pick: number) => `@@${kind}:${pick}@@`

/**
 * Ids of things that exist, by kind, learnt from the server's answers as a run goes on, so a
 * request generated up front names something real when it is sent. Ids kept out (a sentinel's,
 * which the run must not touch) are never chosen.
 */
export const createIdPools = (keptOut: Iterable<string> = []) => {
  const excluded = new Set(keptOut)
  const pools = new Map<IdKind, string[]>()
  const known = new Set<string>()
  const add = (kind: IdKind, id: string) => {
    if (excluded.has(id) || known.has(id)) return
    known.add(id)
    pools.set(kind, [...(pools.get(kind) ?? []), id])
  }
  const pick = (kind: IdKind, index: number): string | undefined => {
    const pool = pools.get(kind) ?? []
    return pool.length === 0 ? undefined : pool[index % pool.length]
  }
  return {
    add,
    /** Keeps every id in the text out of the pools from now on. */
    exclude(text: string) {
      for (const [id] of text.matchAll(/\b[a-z]{3}_[a-z0-9]{15}\b/g)) excluded.add(id)
    },
    /** Learns every id in an answer. */
    learn(text: string) {
      for (const [id, prefix = ''] of text.matchAll(/\b([a-z]{3})_[a-z0-9]{15}\b/g)) {
        const kind = prefixes[prefix]
        if (kind) add(kind, id)
      }
    },
    /** The index-th id of the kind (wrapping round), or undefined when none exists yet. */
    pick,
    /** The text with every id marker replaced by an id (or a made-up one when there is none). */
    fill: (text: string) =>
      text.replace(
        /@@([a-z]+):(\d+)@@/g,
        (_marker, kind: IdKind, index: string) =>
          pick(kind, Number(index)) ?? `${kind.slice(0, 3)}_${'0'.repeat(15)}`,
      ),
  }
}

export type IdPools = ReturnType<typeof createIdPools>
