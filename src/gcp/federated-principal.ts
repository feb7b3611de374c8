import { IPrincipal } from "../core/principal";

/** How a federated principal is matched inside its pool. */
export enum FederatedMatch {
  /** Every identity whose mapped attribute has the value (`principalSet://.../attribute.K/V`). */
  ATTRIBUTE = "ATTRIBUTE",
  /** Every identity whose google.groups contains the value (`principalSet://.../group/V`). */
  GROUP = "GROUP",
  /** One identity by its google.subject (`principal://.../subject/S`). */
  SUBJECT = "SUBJECT",
}

export interface FederatedPrincipalProps {
  /** The pool's resource name, `projects/NUMBER/locations/global/workloadIdentityPools/POOL`. */
  readonly poolName: string;
  readonly match: FederatedMatch;
  /** For ATTRIBUTE matches: the attribute name without the `attribute.` prefix. */
  readonly attribute?: string;
  readonly value: string;
  /** Readable label for ids and reports, e.g. `buildkite-acme:deploy`. */
  readonly principalName: string;
}

/**
 * External identities admitted by a workload identity pool. Grant it Firestore access
 * directly, or let it impersonate a service account.
 */
export class FederatedPrincipal implements IPrincipal {
  public readonly iamMember: string;
  public readonly principalName: string;
  public readonly match: FederatedMatch;
  public readonly value: string;
  public readonly attribute?: string;

  constructor(props: FederatedPrincipalProps) {
    this.match = props.match;
    this.value = props.value;
    this.attribute = props.attribute;
    this.principalName = props.principalName;
    const base = `iam.googleapis.com/${props.poolName}`;
    switch (props.match) {
      case FederatedMatch.SUBJECT:
        this.iamMember = `principal://${base}/subject/${props.value}`;
        break;
      case FederatedMatch.GROUP:
        this.iamMember = `principalSet://${base}/group/${props.value}`;
        break;
      default:
        if (!props.attribute) throw new Error(`FederatedPrincipal ${props.principalName}: an ATTRIBUTE match needs an attribute name`);
        this.iamMember = `principalSet://${base}/attribute.${props.attribute}/${props.value}`;
    }
  }
}
