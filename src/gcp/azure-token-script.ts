import { AZURE_APP_SERVICE_IDENTITY_API_VERSION, GOOGLE_JWT_TOKEN_TYPE, queryValue } from "../core/issuers";

/**
 * The executable Google's client libraries run on App Service, Functions and Container Apps,
 * where no token file exists and the token comes from IDENTITY_ENDPOINT. It asks the
 * platform's identity endpoint for the managed identity's Entra token and prints it in the
 * executable-sourced credential format (version 1; `expiration_time` from `expires_on`), as
 * https://cloud.google.com/iam/docs/workload-identity-federation-with-other-providers
 * ("executable-sourced credentials") describes. POSIX sh, curl and sed; no token is ever
 * written to disk or logs. Written without `${`, which Terraform would read as interpolation.
 */
export function azureAppServiceTokenScript(resource: string, clientId?: string): string {
  const query = `api-version=${AZURE_APP_SERVICE_IDENTITY_API_VERSION}&resource=${queryValue(resource)}${clientId === undefined ? "" : `&client_id=${queryValue(clientId)}`}`;
  return [
    "#!/bin/sh",
    "# Prints this app's managed identity token for Google's executable-sourced credentials.",
    "# Needs IDENTITY_ENDPOINT and IDENTITY_HEADER, which App Service, Functions and Container Apps set.",
    "fail() {",
    `  printf '{"version":1,"success":false,"code":"%s","message":"%s"}\\n' "$1" "$2"`,
    "  exit 1",
    "}",
    '[ -n "$IDENTITY_ENDPOINT" ] && [ -n "$IDENTITY_HEADER" ] || fail 500 "IDENTITY_ENDPOINT and IDENTITY_HEADER are not set: is a managed identity assigned to this app?"',
    `response=$(curl -sSf --max-time 20 -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?${query}") || fail 401 "the managed identity endpoint refused the token request"`,
    `token=$(printf '%s' "$response" | sed -n 's/.*"access_token" *: *"\\([^"]*\\)".*/\\1/p')`,
    `expires=$(printf '%s' "$response" | sed -n 's/.*"expires_on" *: *"\\{0,1\\}\\([0-9][0-9]*\\).*/\\1/p')`,
    '[ -n "$token" ] || fail 500 "the managed identity endpoint answered without an access_token"',
    'if [ -n "$expires" ]; then',
    `  printf '{"version":1,"success":true,"token_type":"${GOOGLE_JWT_TOKEN_TYPE}","id_token":"%s","expiration_time":%s}\\n' "$token" "$expires"`,
    "else",
    `  printf '{"version":1,"success":true,"token_type":"${GOOGLE_JWT_TOKEN_TYPE}","id_token":"%s"}\\n' "$token"`,
    "fi",
    "",
  ].join("\n");
}
