// The README's code blocks that the consumer smoke test runs, so what a reader copies is
// what is tested. A block is marked by an HTML comment on the line before its fence:
//   <!-- smoke:file NAME -->   the block is the file NAME of the project
//   <!-- smoke:install -->     npm install commands, one per line
//   <!-- smoke:run -->         commands run in the project, in order (`export A=B` sets a variable)
"use strict";

const MARKER = /^<!-- smoke:(file|install|run)(?: ([^ ]+))? -->$/;

/** @returns {{ kind: string, name?: string, text: string }[]} in README order */
function readmeBlocks(readme) {
  const lines = readme.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i].trim());
    if (!marker) continue;
    if (!/^```/.test(lines[i + 1] ?? "")) throw new Error(`README line ${i + 1}: ${lines[i]} is not followed by a code block`);
    const end = lines.indexOf("```", i + 2);
    if (end < 0) throw new Error(`README line ${i + 2}: code block never closed`);
    blocks.push({ kind: marker[1], name: marker[2], text: lines.slice(i + 2, end).join("\n") + "\n" });
    i = end;
  }
  return blocks;
}

/** Shell lines of a block as argv arrays; comments and blank lines dropped. */
function commands(text) {
  return text
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split(/\s+/));
}

module.exports = { readmeBlocks, commands };
