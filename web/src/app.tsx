import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query'
import { RouterProvider } from '@tanstack/react-router'
import { useEffect, useState } from 'react'
import { ApiError, api, onSignedOut } from './api/http.ts'
import { applyTheme, initialTheme } from './layout/theme.ts'
import { router } from './router.tsx'
import { SignInPage } from './sign-in/sign-in-page.tsx'
import { StreamProvider } from './stream/stream-context.tsx'

const queries = new QueryClient({
  defaultOptions: {
    // A client's mistake or a missing thing is not retried; a server that is away is, briefly.
    queries: {
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 3,
    },
  },
})

/** Signed in (the session cookie works) or not: the sign-in page instead of a blank screen. */
const Gate = () => {
  const [signedOut, setSignedOut] = useState(false)
  const session = useQuery({
    queryKey: ['session'],
    queryFn: () => api<{ signedIn: boolean }>('/api/session'),
  })
  useEffect(() => onSignedOut(() => setSignedOut(true)), [])
  const refused = new URLSearchParams(location.search).get('signin') === 'refused'
  if (signedOut || session.data?.signedIn === false) return <SignInPage refused={refused} />
  if (session.error) return <p className="p-6 text-bad">{session.error.message}</p>
  if (session.isPending) return null
  return (
    <StreamProvider>
      <RouterProvider router={router} />
    </StreamProvider>
  )
}

export const App = () => {
  useEffect(() => applyTheme(initialTheme()), [])
  return (
    <QueryClientProvider client={queries}>
      <Gate />
    </QueryClientProvider>
  )
}
