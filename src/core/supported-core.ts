import { App } from "cdktf";
import { IConstruct } from "constructs";

/** cdktf marks its App with this symbol (`App.isApp`); CDK Terrain's App carries the same one. */
const APP_SYMBOL = Symbol.for("cdktf/App");
/** jsii's runtime type information on every exported class: `{ fqn: "cdktf.App", version }`. */
const JSII_RTTI = Symbol.for("jsii.rtti");

/** Roots already seen to be this cdktf's App (or no App at all): a large app asks once per root, not per construct. */
const checked = new WeakSet<IConstruct>();

/**
 * Refuses a construct tree whose App comes from another CDK core package: CDK Terrain
 * (`cdktn`, the community continuation of CDK for Terraform under a new name), or a second
 * copy of cdktf. This library's constructs are cdktf constructs: a cdktn App fails at synth
 * on them with an internal error (`_resetResolveDiscoveredProviderFeatureUsage is not a
 * function`), and never visits an Aspect added through cdktf's `Aspects.of`, so the
 * guardrails would check nothing and say nothing. Refused when declared instead, with what
 * works: the CLI, which reads any cdk.tf.json whichever core wrote it.
 *
 * A tree without an App at its root (a bare construct in a unit test) is left alone.
 */
export function requireCdktfApp(scope: IConstruct, what: string = scope.constructor.name): void {
  const root = scope.node.root;
  if (checked.has(root)) return;
  const foreign = !(root instanceof App) && typeof root === "object" && root !== null && APP_SYMBOL in root;
  if (!foreign) {
    checked.add(root);
    return;
  }
  const rtti = (root.constructor as unknown as { [JSII_RTTI]?: { fqn?: string; version?: string } })[JSII_RTTI];
  const origin = rtti?.fqn ? `${rtti.fqn} ${rtti.version ?? ""}`.trim() : `${root.constructor.name} of another copy of cdktf`;
  throw new Error(
    `${scope.node.path || "(root)"}: ${what} needs an App of cdktf ${cdktfVersion()} (CDK for Terraform), but this tree's App is ${origin}. ` +
      "cdktf-firestore-identity supports the cdktf core only: its constructs cannot be synthesized by another core, and its guardrails " +
      "would never be visited there. With CDK Terrain (cdktn), declare the resources with cdktn and judge what it synthesizes with the CLI, " +
      "which reads any cdk.tf.json: npx cdktf-firestore-identity check cdktf.out (also report and explain).",
  );
}

function cdktfVersion(): string {
  const rtti = (App as unknown as { [JSII_RTTI]?: { version?: string } })[JSII_RTTI];
  return rtti?.version ?? "0.21";
}
