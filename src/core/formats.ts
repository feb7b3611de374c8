import { InputRule, pattern } from "./validate";

/** Formats shared by every provider; cloud-specific limits live in gcp/ and entra/. */

export const EMAIL: InputRule<string> = {
  test: (v) => typeof v === "string" && v.length <= 254 && /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v),
  rule: "must be an email address like name@example.com (at most 254 characters)",
};

export const UUID: InputRule<string> = pattern(
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  "must be a UUID like 00000000-0000-0000-0000-000000000000",
);

export const HTTPS_URL: InputRule<string> = {
  test: (v) => {
    try {
      const url = new URL(v);
      return url.protocol === "https:" && url.hostname.length > 0 && !url.username && !url.password;
    } catch {
      return false;
    }
  },
  rule: "must be an https:// URL without credentials",
};

export const ABSOLUTE_PATH: InputRule<string> = pattern(/^\/\S+$/, "must be an absolute path without spaces (Google's auth libraries do not resolve relative ones, and split the command at spaces)");

/** Google's auth libraries split the command at whitespace and run it without a shell. */
export const EXECUTABLE_COMMAND: InputRule<string> = pattern(
  /^\/\S+( \S+)*$/,
  "must start with the program's absolute path; arguments are split at single spaces and never quoted (no shell runs it)",
);

export const NON_EMPTY: InputRule<string> = { test: (v) => typeof v === "string" && v.trim().length > 0, rule: "must not be empty" };
