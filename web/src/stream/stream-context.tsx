import { createContext, type ReactNode, useContext, useEffect, useState } from 'react'
import { EventStream, type StreamState } from './event-stream.ts'

const StreamContext = createContext<EventStream | undefined>(undefined)

/** One stream for the page, opened once signed in and closed when the page goes. */
export const StreamProvider = ({ children }: { children: ReactNode }) => {
  const [stream, setStream] = useState<EventStream>()
  useEffect(() => {
    const opened = new EventStream()
    setStream(opened)
    return () => opened.close()
  }, [])
  if (!stream) return null
  return <StreamContext.Provider value={stream}>{children}</StreamContext.Provider>
}

export const useStream = (): EventStream => {
  const stream = useContext(StreamContext)
  if (!stream) throw new Error('useStream outside StreamProvider')
  return stream
}

/** Whether the live stream is up, for the "reconnecting" sign. */
export const useStreamState = (): StreamState => {
  const stream = useStream()
  const [state, setState] = useState(stream.state)
  useEffect(() => stream.onState(setState), [stream])
  return state
}
