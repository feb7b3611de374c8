import { IamModel } from "./iam-model";
import { StackModel, TfResource, blocks } from "./terraform-json";

/** One service's Data Access audit config in one project. */
export interface AuditedService {
  /** The service the config is set on, e.g. `datastore.googleapis.com`, `sts.googleapis.com` or `allServices`. */
  readonly service: string;
  /** Log types switched on (Admin Activity is always logged and never listed). */
  readonly logTypes: string[];
  /** Principals whose entries Google never writes, for any of those log types. */
  readonly exemptedMembers: string[];
  readonly stack: string;
}

/** Entries left out by a filter: of one sink's export, or of the project's _Default bucket. */
export interface AuditExclusion {
  readonly name: string;
  /** Why, as the exclusion's description says; empty when none is given. */
  readonly description: string;
  readonly filter: string;
}

/** Where a sink sends entries, and which. */
export interface AuditExport {
  readonly sink: string;
  readonly stack: string;
  /** e.g. `storage.googleapis.com/BUCKET`, references resolved where the configuration tells. */
  readonly destination: string;
  /** Services the filter names (protoPayload.serviceName); empty when the filter names none. */
  readonly services: string[];
  readonly filter: string;
  readonly exclusions: AuditExclusion[];
}

/** What is logged in one project and where it goes. */
export interface ProjectAuditCoverage {
  readonly project: string;
  readonly services: AuditedService[];
  readonly exports: AuditExport[];
  /** Exclusions on the project's _Default sink: those entries are stored nowhere in Cloud Logging. */
  readonly defaultSinkExclusions: AuditExclusion[];
}

const SERVICE_NAME = /protoPayload\.serviceName\s*=\s*"([^"]+)"/g;

function text(stack: StackModel, value: unknown): string {
  return typeof value === "string" ? stack.resolve(value) : "";
}

function exclusionOf(stack: StackModel, e: any): AuditExclusion {
  return { name: text(stack, e.name), description: text(stack, e.description), filter: text(stack, e.filter) };
}

function isDisabled(config: any): boolean {
  return config.disabled === true || config.disabled === "true";
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Per project: the Data Access audit configs, the project sinks that export audit entries
 * with their exclusions, and the exclusions on the _Default sink, read from every stack.
 * A sink counts when its filter selects audit logs (`cloudaudit.googleapis.com`).
 */
export function auditCoverage(stacks: readonly StackModel[]): ProjectAuditCoverage[] {
  const byProject = new Map<string, { services: AuditedService[]; exports: AuditExport[]; defaults: AuditExclusion[] }>();
  const entry = (project: string) => {
    let e = byProject.get(project);
    if (!e) byProject.set(project, (e = { services: [], exports: [], defaults: [] }));
    return e;
  };
  for (const stack of stacks) {
    for (const c of IamModel.ofStack(stack).auditConfigs) {
      entry(c.project).services.push({
        service: c.service,
        logTypes: c.logs.map((l) => l.logType).filter((t) => t !== ""),
        exemptedMembers: [...new Set(c.logs.flatMap((l) => l.exemptedMembers))].sort(),
        stack: stack.name,
      });
    }
    for (const sink of stack.ofType("google_logging_project_sink")) {
      const filter = text(stack, sink.config.filter);
      if (!filter.includes("cloudaudit.googleapis.com") || isDisabled(sink.config)) continue;
      entry(projectOf(stack, sink)).exports.push({
        sink: text(stack, sink.config.name),
        stack: stack.name,
        destination: text(stack, sink.config.destination),
        services: [...new Set([...filter.matchAll(SERVICE_NAME)].map((m) => m[1]))],
        filter,
        exclusions: blocks(sink.config.exclusions).filter((e) => !isDisabled(e)).map((e) => exclusionOf(stack, e)).sort(byName),
      });
    }
    for (const exclusion of stack.ofType("google_logging_project_exclusion")) {
      if (!isDisabled(exclusion.config)) entry(projectOf(stack, exclusion)).defaults.push(exclusionOf(stack, exclusion.config));
    }
  }
  return [...byProject.keys()].sort().map((project) => {
    const e = byProject.get(project)!;
    return {
      project,
      services: e.services.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0)),
      exports: e.exports.sort((a, b) => (a.sink < b.sink ? -1 : a.sink > b.sink ? 1 : 0)),
      defaultSinkExclusions: e.defaults.sort(byName),
    };
  });
}

function projectOf(stack: StackModel, resource: TfResource): string {
  return stack.projectOf(resource) ?? "";
}
