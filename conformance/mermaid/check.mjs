// Parses the ```mermaid block of each Markdown file given with Mermaid's own parser (the one
// GitHub's renderer uses), offline: jsdom stands in for the browser DOM Mermaid expects.
// Exit 1 if any file has no diagram or one that does not parse.
import { JSDOM } from 'jsdom';
import fs from 'node:fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const f of process.argv.slice(2)) {
  const text = fs.readFileSync(f, 'utf8');
  const m = text.match(/```mermaid\n([\s\S]*?)```/);
  if (!m) {
    console.log(`FAIL ${f}: no mermaid block`);
    failed++;
    continue;
  }
  try {
    await mermaid.parse(m[1]);
    console.log(`PASS ${f}`);
  } catch (e) {
    console.log(`FAIL ${f}: ${String(e.message || e).split('\n').slice(0, 4).join(' ')}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
