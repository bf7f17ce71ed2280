import { useState } from 'react'

/**
 * Shown when the browser is not signed in: the token (in $CADRE_HOME/token, or the link `cadre
 * serve` printed) is traded by the server for a session cookie, and leaves the address bar.
 */
export const SignInPage = ({ refused }: { refused: boolean }) => {
  const [token, setToken] = useState('')
  return (
    <main className="grid min-h-screen place-items-center p-6">
      <form
        className="w-full max-w-md space-y-4 rounded-xl border border-line bg-panel p-8 shadow-sm"
        onSubmit={(event) => {
          event.preventDefault()
          if (token.trim()) location.assign(`/?token=${encodeURIComponent(token.trim())}`)
        }}
      >
        <h1 className="text-xl font-semibold">Sign in to Cadre</h1>
        <p className="text-sm text-muted">
          Open the link <code className="font-mono">cadre serve</code> printed, or paste the access token from{' '}
          <code className="font-mono">$CADRE_HOME/token</code> (by default{' '}
          <code className="font-mono">~/.cadre/token</code>).
        </p>
        {refused && (
          <p role="alert" className="rounded-md bg-bad/10 px-3 py-2 text-sm text-bad">
            That token is not valid for this server.
          </p>
        )}
        <label className="block space-y-1 text-sm">
          <span className="font-medium">Access token</span>
          <input
            name="token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            className="w-full rounded-md border border-line bg-canvas px-3 py-2 font-mono text-sm outline-none focus:border-accent"
          />
        </label>
        <button
          type="submit"
          disabled={!token.trim()}
          className="w-full rounded-md bg-accent px-3 py-2 text-sm font-medium text-white disabled:opacity-50"
        >
          Sign in
        </button>
      </form>
    </main>
  )
}
