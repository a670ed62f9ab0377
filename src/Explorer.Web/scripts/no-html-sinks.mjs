// Fails the build when source code uses an HTML sink: data and user text must reach the DOM as text.
// Run by `npm run build` (and so by every dotnet build that rebuilds the front end).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const sinks = [
  /\.innerHTML\b/, /\.outerHTML\b/, /\binsertAdjacentHTML\b/, /\bdocument\.write(ln)?\b/,
  /\bcreateContextualFragment\b/, /\bDOMParser\b/, /\bsetHTMLUnsafe\b/, /\bparseHTMLUnsafe\b/,
  /\beval\s*\(/, /\bnew\s+Function\s*\(/, /\.setAttribute\(\s*["']on/i, /\.setAttribute\(\s*["']style["']/,
];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|html)$/.test(name)) files.push(path);
  }
};
walk(join(root, "src"));
files.push(join(root, "index.html"), join(root, "source.html"));

const problems = [];
for (const file of files) {
  readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    for (const sink of sinks) if (sink.test(line)) problems.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
    if (file.endsWith(".html") && /\sstyle\s*=|<style|<script(?![^>]*\bsrc=)/i.test(line)) problems.push(`${relative(root, file)}:${i + 1}: inline style or script: ${line.trim()}`);
  });
}
if (problems.length > 0) {
  console.error("HTML sinks or inline code found (render data with textContent / the h() helper):\n" + problems.join("\n"));
  process.exit(1);
}
console.log(`no-html-sinks: ${files.length} files clean`);
