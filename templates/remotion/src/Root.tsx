import { Composition } from 'remotion'
import { HelloWorld } from './HelloWorld.tsx'

export const Root = () => (
  <Composition
    id="HelloWorld"
    component={HelloWorld}
    durationInFrames={150}
    fps={30}
    width={1280}
    height={720}
    defaultProps={{ title: 'Hello from your new video' }}
  />
)
