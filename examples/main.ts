import { App } from "cdktf";
import { BuildkiteStack } from "./buildkite/stack";
import { ExamplesConfig, loadExamplesConfig } from "./config";

/** Every example stack for every environment, in one app (one state per stack). */
export function buildExamplesApp(app: App = new App(), config: ExamplesConfig = loadExamplesConfig()): App {
  for (const env of config.environments) {
    const props = { env, shared: config.shared };
    new BuildkiteStack(app, `buildkite-${env.name}`, props);
  }
  return app;
}

if (require.main === module) {
  buildExamplesApp().synth();
}
