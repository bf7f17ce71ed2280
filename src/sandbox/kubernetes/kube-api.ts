import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type * as k8s from '@kubernetes/client-node'
import { CadreError } from '../../core/errors.ts'

/** Cadre's handle on a cluster: the APIs its pod workspaces use, in one namespace. */
export interface KubeApi {
  core: k8s.CoreV1Api
  networking: k8s.NetworkingV1Api
  exec: k8s.Exec
  /** Connections to pods' ports (their dev servers), one WebSocket each. */
  portForward: k8s.PortForward
  namespace: string
  /** The API server's address, for messages. */
  server: string
}

export interface KubeOptions {
  /** A kubeconfig file; absent: KUBECONFIG, ~/.kube/config, or the pod's own service account. */
  kubeconfig?: string
  /** Absent: the kubeconfig context's namespace, else `default`. */
  namespace?: string
}

/**
 * Connects to the cluster the way kubectl would (in-cluster config inside a pod, else the
 * kubeconfig). The client is loaded here, on first use: servers without pod workspaces never load it.
 */
export const connectKubernetes = async (options: KubeOptions = {}): Promise<KubeApi> => {
  // Without any configuration the client would try http://localhost:8080, as kubectl once did.
  const configured =
    options.kubeconfig ||
    process.env.KUBECONFIG ||
    process.env.KUBERNETES_SERVICE_HOST ||
    existsSync(join(homedir(), '.kube', 'config'))
  if (!configured) {
    throw new CadreError(
      'unavailable',
      'no Kubernetes cluster is configured: set KUBECONFIG (or CADRE_K8S_KUBECONFIG), or run Cadre inside the cluster',
    )
  }
  const k8s = await import('@kubernetes/client-node')
  const config = new k8s.KubeConfig()
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig)
    else config.loadFromDefault()
  } catch (error) {
    throw new CadreError(
      'unavailable',
      `cannot read the Kubernetes configuration${options.kubeconfig ? ` ${options.kubeconfig}` : ''}: ${(error as Error).message}`,
      { cause: error },
    )
  }
  const cluster = config.getCurrentCluster()
  if (!cluster) {
    throw new CadreError(
      'unavailable',
      'no Kubernetes cluster is configured: set KUBECONFIG (or CADRE_K8S_KUBECONFIG), or run Cadre inside the cluster',
    )
  }
  const context = config.getContextObject(config.getCurrentContext())
  return {
    core: config.makeApiClient(k8s.CoreV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
    exec: new k8s.Exec(config),
    portForward: new k8s.PortForward(config),
    namespace: options.namespace ?? context?.namespace ?? 'default',
    server: cluster.server,
  }
}

/** The HTTP status of a failed API call (404 for "not there"), when it has one. */
export const statusOf = (error: unknown): number | undefined => (error as { code?: number }).code

/** A failed API call as a CadreError that says what Cadre was doing and what the API said. */
export const kubeError = (what: string, error: unknown) => {
  const body = (error as { body?: unknown }).body
  let said = (error as Error).message
  try {
    said = (typeof body === 'string' ? JSON.parse(body) : (body as { message?: string }))?.message ?? said
  } catch {
    // Not JSON: the client's own message stands.
  }
  return new CadreError('unavailable', `Kubernetes could not ${what}: ${said}`, { cause: error })
}
