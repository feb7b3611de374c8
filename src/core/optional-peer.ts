import { IConstruct } from "constructs";

/**
 * Loads a module of a peer dependency that package.json marks optional
 * (`peerDependenciesMeta`): a user who never declares the constructs that need it (Entra ID
 * apps need @cdktf/provider-azuread, rotating client secrets @cdktf/provider-time) never
 * installs it. When it is missing, the error names the construct, the package and the
 * command that installs the range this library is built against, instead of Node's bare
 * "Cannot find module".
 */
export function requireOptionalPeer(scope: IConstruct, moduleId: string): unknown {
  try {
    return require(moduleId);
  } catch (e) {
    const pkg = packageName(moduleId);
    if ((e as { code?: string }).code !== "MODULE_NOT_FOUND" || !String((e as Error).message).includes(`'${moduleId}'`)) throw e;
    const range = peerRange(pkg);
    const install = `npm install ${pkg}@"${range}"`;
    const installed = installedVersion(pkg);
    throw new Error(
      installed === undefined
        ? `${scope.node.path}: ${scope.constructor.name} needs the peer dependency ${pkg}, which is not installed. Install it next to cdktf-firestore-identity: ${install}`
        : `${scope.node.path}: ${scope.constructor.name} needs ${moduleId}, which ${pkg} ${installed} does not have. Install the version this library is built against: ${install}`,
    );
  }
}

/** `@scope/name` or `name`, without the path inside the package. */
function packageName(moduleId: string): string {
  const parts = moduleId.split("/");
  return moduleId.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The range package.json declares, so the message and the package never disagree. */
function peerRange(pkg: string): string {
  // src/core and lib/core both sit two levels below the package root.
  const manifest = require("../../package.json") as { peerDependencies?: Record<string, string> };
  const range = manifest.peerDependencies?.[pkg];
  if (range === undefined) throw new Error(`${pkg} is not a peer dependency of cdktf-firestore-identity`);
  return range;
}

function installedVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version?: string }).version ?? "(no version)";
  } catch {
    return undefined;
  }
}
