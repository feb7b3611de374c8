import { EMAIL } from "./formats";
import { check } from "./validate";

/**
 * Anyone who can be granted access: its IAM member string is what lands in bindings.
 */
export interface IPrincipal {
  /** IAM member, e.g. `serviceAccount:x@p.iam.gserviceaccount.com`, `principalSet://...`, `group:...`. */
  readonly iamMember: string;
  /**
   * A short human-readable name, stable across synths. Used in construct ids and in the
   * access report; never used for authorization.
   */
  readonly principalName: string;
}

class MemberPrincipal implements IPrincipal {
  constructor(public readonly iamMember: string, public readonly principalName: string) {}
}

class ExistingServiceAccount implements IServiceAccount {
  public readonly iamMember: string;
  public readonly principalName: string;
  constructor(public readonly email: string) {
    this.iamMember = `serviceAccount:${email}`;
    this.principalName = `sa-${email}`;
  }
}

/** Factories for Google identities that exist outside this stack. */
export class Principal {
  /** A Google service account (one that is not declared by this library). */
  public static serviceAccount(email: string): IServiceAccount {
    check("Principal.serviceAccount", "email", email, EMAIL);
    return new ExistingServiceAccount(email);
  }

  /** A Google group: prefer groups over users so access follows team membership. */
  public static group(email: string): IPrincipal {
    check("Principal.group", "email", email, EMAIL);
    return new MemberPrincipal(`group:${email}`, `group-${email}`);
  }

  /** A single Google account. */
  public static user(email: string): IPrincipal {
    check("Principal.user", "email", email, EMAIL);
    return new MemberPrincipal(`user:${email}`, `user-${email}`);
  }

  private constructor() {}
}

/** A principal that is a Google service account, so it can be impersonated. */
export interface IServiceAccount extends IPrincipal {
  /** The account's email address. */
  readonly email: string;
}
