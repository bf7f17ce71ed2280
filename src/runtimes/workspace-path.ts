import { isAbsolute, relative, sep } from 'node:path'

/**
 * A path an agent reports, relative to the workspace (with `/`) when it lies inside it, as Cadre's
 * own events name files; a path outside stays as the agent gave it.
 */
export const workspacePath = (root: string, path: string): string => {
  const inside = isAbsolute(path) ? relative(root, path) : path
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside.split(sep).join('/')
}
