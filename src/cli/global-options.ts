/** Options every client command accepts, before or after its name. */
export interface GlobalOptions {
  url?: string
  token?: string
  home: string
}
