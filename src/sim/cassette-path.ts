/**
 * Query parameters whose names say they carry a credential: Gemini's `?key=`, OAuth's
 * `access_token`, signed URLs' `signature`/`sig`, and anything naming a key, token, secret or password.
 */
const credentialParameter =
  /^(?:auth|authorization|sig|code)$|key|token|secret|passw(?:or)?d|signature|credential/i

/**
 * A request's path and query as a cassette stores and matches it: every credential-named query
 * parameter is taken out, and its values returned, to be redacted everywhere.
 */
export const cassettePath = (url: URL): { path: string; secrets: string[] } => {
  const query = new URLSearchParams(url.search)
  const secrets: string[] = []
  for (const name of new Set(query.keys())) {
    if (!credentialParameter.test(name)) continue
    secrets.push(...query.getAll(name))
    query.delete(name)
  }
  const search = query.toString()
  return { path: `${url.pathname}${search ? `?${search}` : ''}`, secrets }
}
