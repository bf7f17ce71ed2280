import { createRootRoute, createRoute, createRouter } from '@tanstack/react-router'
import { BoardPage } from './board/board-page.tsx'
import { Shell } from './layout/shell.tsx'
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

export const router = createRouter({ routeTree: root.addChildren([board, task]) })

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router
  }
}
