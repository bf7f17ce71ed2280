import 'diff2html/bundles/css/diff2html.min.css'
import 'highlight.js/styles/github.min.css'
import { useEffect, useRef } from 'react'

/**
 * A unified patch drawn by diff2html, unified or side by side, its code highlighted (highlight.js,
 * loaded with the view the first time a diff is shown). diff2html escapes the patch's text.
 */
export const DiffView = ({
  patch,
  layout = 'line-by-line',
}: {
  patch: string
  layout?: 'line-by-line' | 'side-by-side'
}) => {
  const target = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let current = true
    void import('diff2html/lib/ui/js/diff2html-ui-slim.js').then(({ Diff2HtmlUI }) => {
      if (!current || !target.current) return
      const view = new Diff2HtmlUI(target.current, patch, {
        outputFormat: layout,
        drawFileList: false,
        matching: 'lines',
        highlight: true,
      })
      view.draw()
      view.highlightCode()
    })
    return () => {
      current = false
    }
  }, [patch, layout])
  return <div ref={target} data-diff />
}
