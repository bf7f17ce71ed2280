import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { RuntimeCapabilities } from '../../../src/runtimes/agent-catalog.ts'
import { api } from './http.ts'
import type { Build, BuildView, Feature, Project, Task, TaskDetail } from './types.ts'

export const useProjects = () =>
  useQuery({ queryKey: ['projects'], queryFn: () => api<{ projects: Project[] }>('/api/projects') })

export const useTasks = (projectId: string | undefined) =>
  useQuery({
    queryKey: ['tasks', projectId],
    queryFn: () => api<{ tasks: Task[] }>(`/api/tasks?projectId=${projectId}&limit=1000`),
    enabled: projectId !== undefined,
  })

export const useTask = (taskId: string) =>
  useQuery({ queryKey: ['task', taskId], queryFn: () => api<TaskDetail>(`/api/tasks/${taskId}`) })

/** An agent as `GET /api/agents` describes it. */
export interface AgentInfo {
  name: string
  title: string
  installed: boolean
  version?: string
  needs: string
  capabilities: RuntimeCapabilities
}

export const useAgents = () =>
  useQuery({
    queryKey: ['agents'],
    queryFn: async () => (await api<{ agents: AgentInfo[] }>('/api/agents')).agents,
    staleTime: 60_000,
  })

/** A mutation that refreshes the task and the board once the server answered. */
export const useTaskAction = <Input>(
  taskId: string,
  path: (input: Input) => string,
  body?: (input: Input) => unknown,
) => {
  const queries = useQueryClient()
  return useMutation({
    mutationFn: (input: Input) =>
      api<Task>(`/api/tasks/${taskId}${path(input)}`, { method: 'POST', body: body?.(input) ?? {} }),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['task', taskId] })
      void queries.invalidateQueries({ queryKey: ['tasks'] })
    },
  })
}

export const useBuilds = (projectId: string) =>
  useQuery({
    queryKey: ['builds', projectId],
    queryFn: async () => (await api<{ builds: Build[] }>(`/api/projects/${projectId}/builds`)).builds,
  })

export const useBuild = (buildId: string | undefined) =>
  useQuery({
    queryKey: ['build', buildId],
    queryFn: () => api<BuildView>(`/api/builds/${buildId}`),
    enabled: buildId !== undefined,
  })

export const useFeatures = (projectId: string) =>
  useQuery({
    queryKey: ['features', projectId],
    queryFn: async () => (await api<{ features: Feature[] }>(`/api/projects/${projectId}/features`)).features,
  })
