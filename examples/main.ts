import { App } from "cdktf";
import { BuildkiteStack } from "./buildkite/stack";
import { ENVIRONMENTS } from "./config";

/** Every example stack for every environment, in one app. */
export function buildExamplesApp(app: App = new App()): App {
  for (const env of ENVIRONMENTS) {
    new BuildkiteStack(app, `buildkite-${env.name}`, env);
  }
  return app;
}

if (require.main === module) {
  buildExamplesApp().synth();
}
