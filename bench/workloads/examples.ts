import { measure } from "./measure";

measure("examples app (all stacks)", (outdir) => {
  const { App } = require("cdktf");
  const { buildExamplesApp } = require("../../examples/main");
  const app = buildExamplesApp(new App({ outdir }));
  app.synth();
});
