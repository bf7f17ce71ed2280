/** An error answered by Cadre's API: its code (bad_request, not_found, …) and message, as sent. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Listeners told when the server says the browser is not signed in (the session cookie is gone). */
const signedOut = new Set<() => void>()
export const onSignedOut = (listener: () => void): (() => void) => {
  signedOut.add(listener)
  return () => signedOut.delete(listener)
}

/**
 * Calls the API with the session cookie; JSON in, JSON out. A failure throws an ApiError carrying
 * the server's own message, or one that says the server cannot be reached.
 */
export const api = async <T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> => {
  let response: Response
  try {
    response = await fetch(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      credentials: 'same-origin',
      headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
  } catch {
    throw new ApiError(0, 'unreachable', 'Cadre cannot be reached: is `cadre serve` running?')
  }
  const text = await response.text()
  const body = text ? (JSON.parse(text) as unknown) : undefined
  if (response.ok) return body as T
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error
  if (response.status === 401) for (const listener of signedOut) listener()
  throw new ApiError(
    response.status,
    error?.code ?? 'error',
    error?.message ?? `${response.status} ${response.statusText}`,
  )
}
