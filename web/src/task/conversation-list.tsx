import { useVirtualizer } from '@tanstack/react-virtual'
import { type RefObject, useEffect } from 'react'
import { ConversationItemView } from './conversation-item-view.tsx'
import type { ConversationItem } from './conversation-items.ts'

/** Past this many items, only those in view (and a margin) are in the page. */
const virtualFrom = 300

type Decide = (approvalId: string, decision: 'allow' | 'deny') => void

/**
 * The conversation: every item while it is short; a virtualised list once it is long, so a task
 * with thousands of events scrolls as smoothly as a new one. Follows the end while the reader is
 * there.
 */
export const ConversationList = ({
  items,
  taskId,
  scroller,
  following,
  onDecide,
}: {
  items: ConversationItem[]
  taskId: string
  scroller: RefObject<HTMLDivElement | null>
  following: RefObject<boolean>
  onDecide: Decide
}) => {
  const virtual = items.length >= virtualFrom
  const virtualizer = useVirtualizer({
    count: virtual ? items.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => 48,
    overscan: 12,
    getItemKey: (index) => items[index]?.key ?? index,
  })
  useEffect(() => {
    if (!following.current || items.length === 0) return
    if (virtual) virtualizer.scrollToIndex(items.length - 1, { align: 'end' })
    else scroller.current?.scrollTo({ top: scroller.current.scrollHeight })
  }, [items, virtual, virtualizer, following, scroller])
  if (!virtual) {
    return (
      <div className="space-y-3">
        {items.map((item) => (
          <ConversationItemView key={item.key} item={item} taskId={taskId} onDecide={onDecide} />
        ))}
      </div>
    )
  }
  return (
    <div
      className="relative w-full"
      style={{ height: virtualizer.getTotalSize() }}
      data-virtual-count={items.length}
    >
      {virtualizer.getVirtualItems().map((row) => (
        <div
          key={row.key}
          data-index={row.index}
          ref={virtualizer.measureElement}
          className="absolute left-0 w-full pb-3"
          style={{ transform: `translateY(${row.start}px)` }}
        >
          <ConversationItemView item={items[row.index]!} taskId={taskId} onDecide={onDecide} />
        </div>
      ))}
    </div>
  )
}
