/** A running simulator, recorder or replayer. */
export interface SimServer extends AsyncDisposable {
  /** The base URL, e.g. `http://127.0.0.1:7879`, with no trailing slash. */
  readonly url: string
  /** Stops accepting, drops open streams, and resolves once the port is free. */
  close(): Promise<void>
}
