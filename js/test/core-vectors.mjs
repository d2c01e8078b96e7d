// Runs the site's verification core (crates/intact/src/site/assets/core.js, the file the pages
// load) in Node over a list of cases written by the Rust test `site_core::js_core_agrees_with_intact`
// and prints, per case, what the core decided — the Rust test compares it with intact's answers.
//
//   node js/test/core-vectors.mjs CASES.json   → JSON on stdout
//
// Each case is one of:
//   {"kind":"proof","name":…,"proof":{…intact-proof/1…},"allowed_signers":"…","file_sha256":…,"file_size":…}
//   {"kind":"bundle","name":…,"release_json":"…","signatures":[{file,signature}],"allowed_signers":"…",
//    "items":[…item records…],"files":{"data/…": "<sha256 of the payload file>"}}
// Every signature check is run twice, with WebCrypto's Ed25519 and with @noble/curves, and the
// two must agree.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = fileURLToPath(new URL('.', import.meta.url));
const assets = here + '../../crates/intact/src/site/assets/';
vm.runInThisContext(readFileSync(assets + 'vendor/noble.js', 'utf8'), { filename: 'noble.js' });
vm.runInThisContext(readFileSync(assets + 'core.js', 'utf8'), { filename: 'core.js' });
const C = globalThis.IntactCore;

async function signatures(rel, signers) {
  const out = {};
  for (const engine of ['webcrypto', 'noble']) {
    const r = await C.checkRelease(rel, signers, engine);
    if (!r.ok) return { error: r.error };
    out[engine] = r.signatures.map((s) => ({ file: s.file, valid: s.valid, principal: s.principal }));
  }
  if (JSON.stringify(out.webcrypto) !== JSON.stringify(out.noble)) {
    throw new Error('WebCrypto and @noble/curves disagree: ' + JSON.stringify(out));
  }
  return { signatures: out.noble };
}

async function runCase(c) {
  const signers = C.parseAllowedSigners(c.allowed_signers || '');
  if (c.kind === 'proof') {
    const p = c.proof;
    const rel = { release_json: p.release_json, signatures: p.signatures };
    const sig = await signatures(rel, signers);
    const st = JSON.parse(p.release_json);
    // a proof whose bundle_id is not its statement's digest is refused whole (FORMAT.md §13 step 2)
    const bundleId = C.hex(globalThis.IntactNoble.sha256(new TextEncoder().encode(p.release_json)));
    const inclusion = p.bundle_id === bundleId && p.tree_size === st.item_count &&
      C.verifyInclusion(C.leafHash(p.item), p.leaf_index, p.tree_size, p.audit_path, C.fromHex(st.merkle_root));
    const file = p.item.sha256 === c.file_sha256 && p.item.size === c.file_size;
    return { name: c.name, ...sig, inclusion, file };
  }
  const rel = { release_json: c.release_json, signatures: c.signatures };
  const sig = await signatures(rel, signers);
  let root = null;
  try {
    const st = JSON.parse(c.release_json);
    // the Merkle root over the item records, each leaf's path checked as a page checks it
    const leaves = c.items.map((i) => C.leafHash(i));
    root = C.hex(merkleRoot(leaves));
    root = root === st.merkle_root;
  } catch (e) {
    root = 'error: ' + e.message;
  }
  const digests = [];
  for (const i of c.items.filter((i) => i.path)) {
    const bytes = Buffer.from(c.files[i.path] || '', 'base64');
    digests.push({ path: i.path, equal: (await C.sha256Blob(new Blob([bytes]))) === i.sha256 });
  }
  return { name: c.name, ...sig, root, digests };
}

function merkleRoot(leaves) {
  const sha = globalThis.IntactNoble.sha256;
  const node = (l, r) => { const b = new Uint8Array(65); b[0] = 1; b.set(l, 1); b.set(r, 33); return sha(b); };
  function root(ls) {
    if (ls.length === 0) return sha(new Uint8Array(0));
    if (ls.length === 1) return ls[0];
    let k = 1; while (k * 2 < ls.length) k *= 2;
    return node(root(ls.slice(0, k)), root(ls.slice(k)));
  }
  return root(leaves);
}

// The incremental hash over many slices equals Node's own SHA-256 (a 20 MB blob: 3 slices).
{
  const { createHash } = await import('node:crypto');
  const big = new Uint8Array(20 * 1024 * 1024 + 7);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  const want = createHash('sha256').update(big).digest('hex');
  const got = await C.sha256Blob(new Blob([big]));
  if (got !== want) throw new Error('sha256Blob over slices: ' + got + ' != ' + want);
}

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const c of cases) results.push(await runCase(c));
process.stdout.write(JSON.stringify(results, null, 1) + '\n');
