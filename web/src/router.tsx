import { createRootRoute, createRoute, createRouter } from '@tanstack/react-router'
import { BoardPage } from './board/board-page.tsx'
import { BuildPage } from './build/build-page.tsx'
import { Shell } from './layout/shell.tsx'
import { ProjectSettingsPage } from './settings/project-settings-page.tsx'
import { SettingsPage } from './settings/settings-page.tsx'
import { TaskPage } from './task/task-page.tsx'

const root = createRootRoute({ component: Shell })

const board = createRoute({
  getParentRoute: () => root,
  path: '/',
  component: BoardPage,
  validateSearch: (search: Record<string, unknown>): { project?: string } =>
    typeof search.project === 'string' ? { project: search.project } : {},
})

const task = createRoute({ getParentRoute: () => root, path: '/tasks/$taskId', component: TaskPage })

const settings = createRoute({ getParentRoute: () => root, path: '/settings', component: SettingsPage })

const projectSettings = createRoute({
  getParentRoute: () => root,
  path: '/projects/$projectId/settings',
  component: ProjectSettingsPage,
})

const build = createRoute({
  getParentRoute: () => root,
  path: '/projects/$projectId/build',
  component: BuildPage,
})

export const router = createRouter({
  routeTree: root.addChildren([board, task, settings, projectSettings, build]),
})

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router
  }
}
