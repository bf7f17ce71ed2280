/**
 * A request's path and query as a cassette stores and matches it: Gemini clients may put their key
 * in `?key=`, so that parameter is taken out (and returned, to be redacted everywhere).
 */
export const cassettePath = (url: URL): { path: string; key?: string } => {
  const query = new URLSearchParams(url.search)
  const key = query.get('key') ?? undefined
  query.delete('key')
  const search = query.toString()
  return { path: `${url.pathname}${search ? `?${search}` : ''}`, key }
}
