import { measure } from "./measure";

// The floor every cdktf process pays: load cdktf and one provider class, synth one resource.
measure("baseline: cdktf + one resource", (outdir) => {
  const { App, TerraformStack } = require("cdktf");
  const { ServiceAccount } = require("@cdktf/provider-google/lib/service-account");
  const { GoogleProvider } = require("@cdktf/provider-google/lib/provider");
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "baseline");
  new GoogleProvider(stack, "google", {});
  new ServiceAccount(stack, "sa", { accountId: "baseline-sa", project: "bench-project" });
  app.synth();
});
