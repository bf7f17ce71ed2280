import { z } from 'zod'

export const ConnectorName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,29}$/, 'a connector name is lower-case letters, digits and dashes, e.g. "github"')

/** An MCP server given to agents, as the API shows it: the names of its secrets, never their values. */
export const Connector = z.object({
  id: z.string(),
  projectId: z.string().nullable().describe("null: every project's agents get it"),
  name: ConnectorName,
  transport: z.enum(['stdio', 'http']),
  command: z.string().nullable(),
  args: z.array(z.string()),
  url: z.string().nullable(),
  envNames: z.array(z.string()).describe('the variables its process gets (values kept sealed)'),
  headerNames: z.array(z.string()).describe('the headers sent to it (values kept sealed)'),
  oauth: z
    .object({ authorized: z.boolean().describe('it holds tokens (its access token, or one to refresh it)') })
    .nullable()
    .describe('null: it does not sign in with OAuth'),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Connector = z.infer<typeof Connector>
