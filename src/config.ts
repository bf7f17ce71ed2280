import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { z } from 'zod'
import { CadreError, validationError } from './core/errors.ts'

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole port number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535')

const EnvironmentSchema = z.object({
  CADRE_HOME: z.string().min(1).optional(),
  CADRE_HOST: z.string().min(1).default('127.0.0.1'),
  CADRE_PORT: port.default(7878),
  CADRE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CADRE_ALLOWED_HOSTS: z.string().optional(),
  CADRE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CADRE_WORKER: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  CADRE_K8S_KUBECONFIG: z.string().min(1).optional(),
  CADRE_K8S_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .optional(),
  CADRE_K8S_CADRE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  CADRE_K8S_CADRE_PEER: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
})

export interface Config {
  home: string
  host: string
  port: number
  token?: string
  /** Extra Host names (with or without port) the server answers to, besides its own address. */
  allowedHosts: string[]
  logLevel: z.infer<typeof EnvironmentSchema>['CADRE_LOG_LEVEL']
  databaseUrl?: string
  /** Whether this server runs queued tasks itself (off: an API-only node; workers elsewhere run them). */
  worker: boolean
  /** Pod workspaces: the cluster (kubeconfig, namespace) and how pods reach this server. */
  kubernetes: {
    kubeconfig?: string
    namespace?: string
    /** Cadre's address as pods reach it; without it, no pod workspace can be made. */
    cadreUrl?: string
    /** With network off, Cadre's place for the pods' network policy: a CIDR, or pod labels. */
    cadrePeer?: string
  }
}

/** Reads Cadre's configuration from the environment; a bad value fails with the variable named. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const result = EnvironmentSchema.safeParse(blanksRemoved)
  if (!result.success) {
    const error = validationError(result.error, '')
    throw new CadreError('bad_request', `invalid configuration: ${error.message}`, { details: error.details })
  }
  const parsed = result.data
  return {
    home: resolve(parsed.CADRE_HOME ?? resolve(homedir(), '.cadre')),
    host: parsed.CADRE_HOST,
    port: parsed.CADRE_PORT,
    token: parsed.CADRE_TOKEN,
    allowedHosts: (parsed.CADRE_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
    logLevel: parsed.CADRE_LOG_LEVEL,
    databaseUrl: parsed.DATABASE_URL,
    worker: parsed.CADRE_WORKER === 'on',
    kubernetes: {
      kubeconfig: parsed.CADRE_K8S_KUBECONFIG,
      namespace: parsed.CADRE_K8S_NAMESPACE,
      cadreUrl: parsed.CADRE_K8S_CADRE_URL,
      cadrePeer: parsed.CADRE_K8S_CADRE_PEER,
    },
  }
}
