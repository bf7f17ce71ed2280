import { AbsoluteFill, interpolate, useCurrentFrame } from 'remotion'

export const HelloWorld = ({ title }: { title: string }) => {
  const frame = useCurrentFrame()
  const opacity = interpolate(frame, [0, 30], [0, 1], { extrapolateRight: 'clamp' })
  return (
    <AbsoluteFill style={{ backgroundColor: 'white', justifyContent: 'center', alignItems: 'center' }}>
      <h1 style={{ fontFamily: 'system-ui, sans-serif', fontSize: 80, opacity }}>{title}</h1>
    </AbsoluteFill>
  )
}
