import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { FirestoreDatabase, IFirestoreDatabase } from "../../src";
import { EnvironmentConfig, SharedConfig } from "../config";
import { useStateBackend } from "./backend";

export interface ExampleStackProps {
  readonly env: EnvironmentConfig;
  readonly shared: SharedConfig;
}

/** A stack for one example in one environment: its own state, Google provider pinned to the project. */
export class EnvironmentStack extends TerraformStack {
  public readonly env: EnvironmentConfig;
  public readonly shared: SharedConfig;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id);
    this.env = props.env;
    this.shared = props.shared;
    useStateBackend(this, id);
    new GoogleProvider(this, "google", { project: props.env.projectId });
  }

  public get isProd(): boolean {
    return this.env.name === "prod";
  }

  /** This environment's database, owned by the platform stack. */
  protected environmentDatabase(): IFirestoreDatabase {
    return FirestoreDatabase.fromExisting(this, "database", { projectId: this.env.projectId, databaseId: this.env.databaseId });
  }

  /** Entra ID app registrations go to the shared tenant (credentials from `az login`). */
  protected useEntraTenant(): void {
    new AzureadProvider(this, "azuread", { tenantId: this.shared.entraTenantId });
  }

  /** time_rotating drives client secret rotation. */
  protected useTimeProvider(): void {
    new TimeProvider(this, "time");
  }
}
