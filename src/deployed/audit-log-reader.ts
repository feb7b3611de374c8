import * as fs from "fs";
import * as readline from "readline";
import * as zlib from "zlib";
import { AuditRecord, EntryShape, recordOfBigQueryRow, recordOfLogEntry, shapeOfElement } from "./audit-entries";

/**
 * Reads audit log entries in the three shapes users have, detected from the content:
 * - a JSON array of LogEntry (`gcloud logging read … --format=json`);
 * - one LogEntry per line (the hourly files a Cloud Storage sink writes);
 * - BigQuery export rows as JSON (`bq query --format=json`: an array; or one row per line);
 * each possibly gzip'd (detected by the gzip magic bytes, not the file name). Anything else is
 * refused with what it looks like. Files are streamed: one line (or one array element) is in
 * memory at a time, never the whole file.
 */

/** Where an element came from, for error messages: `FILE line N` or `FILE element N`. */
type Place = string;

export class AuditLogShapeError extends Error {}

/** Turns parsed elements into records, checking that each is a shape this reader knows; other services' entries pass too. */
class ElementReader {
  private shape?: EntryShape;
  constructor(private readonly source: string) {}

  public read(value: unknown, place: Place): AuditRecord | undefined {
    const shape = shapeOfElement(value);
    if (typeof shape !== "string") throw new AuditLogShapeError(`${place}: ${this.source} holds ${shape.refused}`);
    if (shape === "aggregate-row") throw new AuditLogShapeError(`${place}: ${this.source} is the result of usage --emit-sql; pass it with --aggregates, not --logs`);
    if (this.shape !== undefined && shape !== this.shape) throw new AuditLogShapeError(`${place}: ${this.source} mixes LogEntry objects and BigQuery export rows`);
    this.shape = shape;
    return shape === "log-entry" ? recordOfLogEntry(value) : recordOfBigQueryRow(value);
  }
}

function parse(text: string, place: Place, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AuditLogShapeError(`${place}: ${source} is not JSON there (${(e as Error).message}); expected a JSON array of log entries, one entry per line, or bq query --format=json output`);
  }
}

function refuseFirstCharacter(c: string, source: string): never {
  if (c === "-" || /[A-Za-z]/.test(c)) {
    throw new AuditLogShapeError(`${source} looks like YAML or CSV (gcloud's default format, or bq --format=csv); re-run with --format=json`);
  }
  throw new AuditLogShapeError(`${source} starts with ${JSON.stringify(c)}: expected a JSON array ([) or one JSON log entry per line ({)`);
}

/** Log texts already in memory (the API's fromLogs): an array is parsed whole, lines one at a time. */
export function* recordsOfText(text: string, source: string): Generator<AuditRecord> {
  const reader = new ElementReader(source);
  const start = text.search(/\S/);
  if (start < 0) return;
  if (text[start] === "[") {
    const all = parse(text, `${source}`, source);
    if (!Array.isArray(all)) throw new AuditLogShapeError(`${source} is not a JSON array`);
    for (let i = 0; i < all.length; i++) {
      const r = reader.read(all[i], `element ${i + 1}`);
      if (r) yield r;
    }
    return;
  }
  if (text[start] !== "{") refuseFirstCharacter(text[start], source);
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    if (raw.trim() === "") continue;
    const r = reader.read(parse(raw, `line ${line}`, source), `line ${line}`);
    if (r) yield r;
  }
}

/** The file's text as a stream, gunzipped when it starts with the gzip magic bytes (1f 8b). */
function textStream(file: string): NodeJS.ReadableStream & { destroy(): void } {
  const fd = fs.openSync(file, "r");
  const magic = Buffer.alloc(2);
  const n = fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  // Default chunk sizes: readline slows down several times over megabyte chunks (measured here).
  const raw = fs.createReadStream(file);
  const stream = n === 2 && magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(zlib.createGunzip()) : raw;
  raw.on("error", (e) => stream.destroy(e));
  stream.setEncoding("utf8");
  return stream;
}

/** The first non-blank character of the (decompressed) file, read from a stream closed right after. */
async function firstCharacter(file: string): Promise<string | undefined> {
  const stream = textStream(file);
  try {
    for await (const chunk of stream) {
      const at = (chunk as string).search(/\S/);
      if (at >= 0) return (chunk as string)[at];
    }
    return undefined;
  } finally {
    stream.destroy();
  }
}

/**
 * Splits a JSON array's text, arriving in chunks, into its top-level elements' texts, so a
 * `gcloud logging read --format=json` export of any size is parsed one entry at a time.
 */
class ArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private ended = false;
  private element = "";
  public count = 0;

  constructor(private readonly source: string) {}

  public *feed(chunk: string): Generator<string> {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \ */) this.escaped = true;
        else if (c === 34 /* " */) this.inString = false;
        continue;
      }
      if (c === 34) {
        this.inString = true;
      } else if (c === 91 /* [ */ || c === 123 /* { */) {
        if (!this.started) {
          if (c !== 91) throw new AuditLogShapeError(`${this.source} is not a JSON array`);
          this.started = true;
          from = i + 1;
          continue;
        }
        if (this.ended) throw new AuditLogShapeError(`${this.source} has content after its JSON array`);
        this.depth++;
      } else if (c === 93 /* ] */ || c === 125 /* } */) {
        if (this.depth === 0 && c === 93) {
          const text = this.element + chunk.slice(from, i);
          this.element = "";
          if (text.trim() !== "") yield text;
          this.ended = true;
          from = i + 1;
          continue;
        }
        this.depth--;
      } else if (c === 44 /* , */ && this.depth === 0) {
        const text = this.element + chunk.slice(from, i);
        this.element = "";
        from = i + 1;
        yield text;
        continue;
      }
    }
    if (this.started && !this.ended) this.element += chunk.slice(from);
  }

  public finish(): void {
    if (!this.ended) throw new AuditLogShapeError(`${this.source} ends inside its JSON array (truncated file?)`);
  }
}

/**
 * Streams one file's records: the CLI's path, in bounded memory whatever the file size.
 * JSON lines go through readline (one line in memory at a time); a JSON array through a
 * splitter that hands each top-level element to JSON.parse.
 */
export async function* recordsOfFile(file: string, source: string = file): AsyncGenerator<AuditRecord> {
  const reader = new ElementReader(source);
  const first = await firstCharacter(file);
  if (first === undefined) return;
  if (first !== "[" && first !== "{") refuseFirstCharacter(first, source);
  const stream = textStream(file);
  // A refusal or a consumer that stops early leaves no file open.
  try {
    if (first === "[") {
      const splitter = new ArraySplitter(source);
      for await (const chunk of stream) {
        for (const text of splitter.feed(chunk as string)) {
          splitter.count++;
          const r = reader.read(parse(text, `element ${splitter.count}`, source), `element ${splitter.count}`);
          if (r) yield r;
        }
      }
      splitter.finish();
      return;
    }
    let line = 0;
    for await (const text of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
      line++;
      if (text.length === 0 || (text.length < 3 && text.trim() === "")) continue;
      const r = reader.read(parse(text, `line ${line}`, source), `line ${line}`);
      if (r) yield r;
    }
  } finally {
    stream.destroy();
  }
}
