import { Link, Outlet } from '@tanstack/react-router'
import { useEffect, useState } from 'react'
import { useStreamState } from '../stream/stream-context.tsx'
import { applyTheme, initialTheme } from './theme.ts'

/** The frame of every page: the name, the live stream's state, the theme switch. */
export const Shell = () => {
  const streamState = useStreamState()
  const [theme, setTheme] = useState(initialTheme)
  useEffect(() => applyTheme(theme), [theme])
  return (
    <div className="min-h-screen">
      <header className="flex h-12 items-center gap-4 border-b border-line bg-panel px-4">
        <Link to="/" search={{}} className="font-semibold tracking-tight">
          Cadre
        </Link>
        <span className="flex-1" />
        <Link to="/settings" className="text-sm text-muted hover:text-ink">
          Settings
        </Link>
        {streamState !== 'open' && (
          <span
            role="status"
            data-testid="stream-state"
            className="flex items-center gap-1.5 text-xs text-warn"
          >
            <span className="size-2 animate-pulse rounded-full bg-warn" />
            {streamState === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
          </span>
        )}
        <button
          type="button"
          aria-label="Switch theme"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          className="rounded-md px-2 py-1 text-sm text-muted hover:bg-sunken"
        >
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
      </header>
      <Outlet />
    </div>
  )
}
