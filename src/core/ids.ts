import { randomInt } from 'node:crypto'

const idPrefixes = {
  project: 'prj',
  task: 'tsk',
  thread: 'thr',
  run: 'run',
  worker: 'wkr',
  webhook: 'whk',
  delivery: 'dlv',
  feature: 'ftr',
  connector: 'con',
  build: 'bld',
} as const
export type IdKind = keyof typeof idPrefixes

// Lower-case base-36 so ids are easy to type and paste; the time comes first so that sorting by id
// is sorting by creation (strictly, within one process), which every listing relies on.
const timeDigits = 9
const randomDigits = 6
const randomSpace = 36 ** randomDigits

let lastTime = 0
let lastRandom = 0

/** A new id such as `tsk_mhw2k3x1a9f0c2k`: a kind prefix, the creation time, then randomness. */
export const newId = (kind: IdKind): string => {
  const time = Math.max(Date.now(), lastTime)
  if (time === lastTime && lastRandom + 1 < randomSpace) lastRandom += 1
  else {
    lastTime = time === lastTime ? time + 1 : time
    lastRandom = randomInt(randomSpace / 2)
  }
  const timePart = lastTime.toString(36).padStart(timeDigits, '0')
  const randomPart = lastRandom.toString(36).padStart(randomDigits, '0')
  return `${idPrefixes[kind]}_${timePart}${randomPart}`
}
