/** A request's target as a URL; a target that is not a path (`*`, an absolute URL) reads as `/`. */
export const requestUrl = (target: string | undefined): URL =>
  new URL(`http://simulator${target?.startsWith('/') ? target : '/'}`)
