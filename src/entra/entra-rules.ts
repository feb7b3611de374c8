import { UUID } from "../core/formats";
import { InputRule, oneOf, pattern } from "../core/validate";

/**
 * Entra ID (azuread 3.x / Microsoft Graph) input rules, written once. Sources:
 * Graph `application` resource (displayName <= 256), the azuread provider's validators
 * (role/scope claim values, redirect URIs, group membership claims, sign-in audience),
 * and "Restrictions on identifier URIs" in the Microsoft identity platform docs.
 */

export const TENANT_ID: InputRule<string> = { test: UUID.test, rule: "tenant id must be a UUID (the directory id, not a domain name)" };
export const OBJECT_ID: InputRule<string> = { test: UUID.test, rule: "must be an Entra object id (a UUID)" };

export const APP_DISPLAY_NAME: InputRule<string> = {
  test: (v) => typeof v === "string" && v.trim().length > 0 && v.length <= 256,
  rule: "display name must be 1-256 characters and not blank",
};

/** azuread 3.7.0 validates `description` with StringLenBetween(0, 1024). */
export const APP_DESCRIPTION: InputRule<string> = {
  test: (v) => typeof v === "string" && v.trim().length > 0 && v.length <= 1024,
  rule: "description must be 1-1024 characters and not blank (azuread_application.description)",
};

export const NON_BLANK_TEXT: InputRule<string> = {
  test: (v) => typeof v === "string" && v.trim().length > 0,
  rule: "must not be empty",
};

/** Values of the `roles` and `scp` claims: both live in one namespace per application. */
export const MAX_CLAIM_VALUE_LENGTH = 249;
export const CLAIM_VALUE: InputRule<string> = {
  test: (v) =>
    typeof v === "string" &&
    v.length >= 1 &&
    v.length <= MAX_CLAIM_VALUE_LENGTH &&
    !v.startsWith(".") &&
    /^[A-Za-z0-9!#$%&'()*+,\-./:;<=>?@[\]^_`{|}~]+$/.test(v),
  rule:
    `role/scope value must be 1-${MAX_CLAIM_VALUE_LENGTH} characters without spaces, not start with ".", ` +
    "and use only letters, digits and !#$%&'()*+,-./:;<=>?@[]^_`{|}~",
};

export const ACCESS_TOKEN_VERSION: InputRule<number> = {
  test: (v) => v === 1 || v === 2,
  rule: "access token version must be 1 or 2",
};

export const GROUP_MEMBERSHIP_CLAIM_VALUES = ["None", "SecurityGroup", "DirectoryRole", "ApplicationGroup", "All"] as const;
export const GROUP_MEMBERSHIP_CLAIM: InputRule<string> = oneOf(GROUP_MEMBERSHIP_CLAIM_VALUES);

export const SIGN_IN_AUDIENCE_VALUES = ["AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"] as const;
export const SIGN_IN_AUDIENCE: InputRule<string> = oneOf(SIGN_IN_AUDIENCE_VALUES);

export const APP_ROLE_MEMBER_TYPE: InputRule<string> = oneOf(["User", "Application"]);
export const SCOPE_CONSENT_TYPE: InputRule<string> = oneOf(["Admin", "User"]);

export const OPTIONAL_CLAIM_NAME: InputRule<string> = pattern(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "optional claim name must be a claim name such as email or upn");

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `scheme://authority/...`: Entra wants a path, or at least the trailing slash. */
function hasPathOrTrailingSlash(v: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\//i.test(v);
}

function isWebUrl(v: string): boolean {
  try {
    const url = new URL(v);
    if (url.username || url.password || url.hash || !url.hostname) return false;
    if (url.protocol === "https:") return true;
    return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

export const MAX_REDIRECT_URI_LENGTH = 256;
export const REDIRECT_URI: InputRule<string> = {
  test: (v) => typeof v === "string" && v.length <= MAX_REDIRECT_URI_LENGTH && isWebUrl(v) && hasPathOrTrailingSlash(v),
  rule:
    `redirect URI must be https:// (http:// only for localhost or 127.0.0.1), have a path or trailing slash, ` +
    `no fragment or credentials, and be at most ${MAX_REDIRECT_URI_LENGTH} characters`,
};

/** Where a web app lives (Airflow's base URL): the same scheme rules as redirect URIs, no query. */
export const WEB_BASE_URL: InputRule<string> = {
  test: (v) => typeof v === "string" && isWebUrl(v) && !v.includes("?"),
  rule: "base URL must be https:// (http:// only for localhost or 127.0.0.1) without query, fragment or credentials",
};

const UUID_SOURCE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const SEGMENT = "[A-Za-z0-9._~!$&'()+,;=:@%-]+";
const PATH = `${SEGMENT}(?:/${SEGMENT})*`;
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DOTTED_HOST = `${LABEL}(?:\\.${LABEL})+`;

/**
 * The identifier URI (Application ID URI) forms Entra accepts. The app id is unknown
 * before apply, so any UUID stands for <appId>/<tenantId>; verified domains cannot be
 * checked offline, so any dotted host stands for one (Entra re-checks both at apply).
 */
const IDENTIFIER_URI_FORMS = [
  new RegExp(`^api://${UUID_SOURCE}$`), // api://<appId>
  new RegExp(`^api://${UUID_SOURCE}/${PATH}$`), // api://<tenantId>/<string>, api://<tenantId>/<appId>
  new RegExp(`^api://${LABEL}/${UUID_SOURCE}$`), // api://<string>/<appId>
  new RegExp(`^api://${DOTTED_HOST}/${PATH}$`), // api://<string>.<verified-domain>/<string>
  new RegExp(`^https://${DOTTED_HOST}(?:/${PATH})?$`), // https://<verified-domain>/<string>, https://<sub>.<verified-domain>
];

export const IDENTIFIER_URI: InputRule<string> = {
  test: (v) => typeof v === "string" && IDENTIFIER_URI_FORMS.some((form) => form.test(v)),
  rule:
    "identifier URI must take a form Entra accepts: api://<appId>, api://<tenantId>/<string>, api://<string>/<appId>, " +
    "api://<string>.<verified-domain>/<string> or https://<verified-domain>[/<string>]",
};

/** Client secrets: short-lived by policy (the FSI-ENTRA-003 guardrail enforces the same bound). */
export const MAX_SECRET_VALIDITY_DAYS = 180;
/**
 * Two passwords take turns: each is replaced every two periods and stays valid for three
 * (one period of grace for a late apply), so three periods must fit in the maximum validity.
 */
export const SECRET_LIFETIME_PERIODS = 3;
export const SECRET_ROTATION_DAYS: InputRule<number> = {
  test: (v) => Number.isInteger(v) && v >= 1 && v * SECRET_LIFETIME_PERIODS <= MAX_SECRET_VALIDITY_DAYS,
  rule:
    `must be a whole number of days from 1 to ${MAX_SECRET_VALIDITY_DAYS / SECRET_LIFETIME_PERIODS}: ` +
    `each password is replaced every two periods and stays valid for three, at most ${MAX_SECRET_VALIDITY_DAYS} days`,
};

/** Google Secret Manager secret id: at most 255 of letters, digits, hyphen and underscore. */
export const SECRET_MANAGER_SECRET_ID: InputRule<string> = pattern(
  /^[A-Za-z0-9_-]{1,255}$/,
  "secret id must be 1-255 letters, digits, hyphens or underscores",
);

