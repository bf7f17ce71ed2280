import { customAlphabet } from 'nanoid'

// Lower-case letters and digits only: ids are typed and pasted in shells and URLs.
const randomPart = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 14)

export const idPrefixes = { project: 'prj', task: 'tsk', thread: 'thr', run: 'run' } as const
export type IdKind = keyof typeof idPrefixes

/** A new random id such as `tsk_3k9x0d2m7q1a8z`; the prefix tells what kind of thing it names. */
export const newId = (kind: IdKind): string => `${idPrefixes[kind]}_${randomPart()}`
