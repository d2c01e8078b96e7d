/* intact's verification core (docs/SITE.md): the one implementation of what a page checks —
 * a file's SHA-256 (incremental, so a 2 GB scan works), the item's inclusion proof against the
 * signed Merkle root (FORMAT.md §8, §13), and the Ed25519 SSHSIG signatures over release.json
 * (FORMAT.md §7) against the page's keys and against an allowed_signers file the reader gives.
 * A classic script (pages work from file://): it sets globalThis.IntactCore, and needs
 * globalThis.IntactNoble (vendor/noble.js) for SHA-256/SHA-512 and, where WebCrypto has no
 * Ed25519, for signatures. The tests run this same file in Node over the vectors. */
(function (G) {
  'use strict';
  var NAMESPACE = 'intact-release';
  var SLICE = 8 * 1024 * 1024;
  var enc = new TextEncoder();

  function noble() {
    if (!G.IntactNoble) throw new Error('vendor/noble.js is not loaded');
    return G.IntactNoble;
  }
  function hex(b) {
    var s = '';
    for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
  }
  function fromHex(s) {
    if (typeof s !== 'string' || !/^[0-9a-f]{64}$/.test(s)) return null;
    var out = new Uint8Array(32);
    for (var i = 0; i < 32; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }
  function concat(parts) {
    var n = 0, i;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n), o = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], o); o += parts[i].length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function sha256(b) { return noble().sha256(b); }

  /* SHA-256 of a Blob/File read in slices of 8 MiB (File.slice), hashed incrementally. */
  async function sha256Blob(blob, onProgress) {
    var h = noble().sha256.create();
    for (var off = 0; off < blob.size; off += SLICE) {
      var part = new Uint8Array(await blob.slice(off, Math.min(off + SLICE, blob.size)).arrayBuffer());
      h.update(part);
      if (onProgress) onProgress(Math.min(off + SLICE, blob.size), blob.size);
    }
    return hex(h.digest());
  }

  /* RFC 8785 canonical JSON of a record of strings, integers, arrays and objects. */
  function canonical(v) {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new Error('not an integer: ' + v);
      return String(v);
    }
    if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
    if (typeof v === 'object') {
      return '{' + Object.keys(v).sort().map(function (k) {
        return JSON.stringify(k) + ':' + canonical(v[k]);
      }).join(',') + '}';
    }
    throw new Error('not JSON: ' + typeof v);
  }
  function leafHash(item) {
    return sha256(concat([new Uint8Array([0]), enc.encode(canonical(item))]));
  }
  function nodeHash(l, r) { return sha256(concat([new Uint8Array([1]), l, r])); }

  /* RFC 9162 §2.1.3.2: does `path` lead from leaf `index` of `size` to `root`? */
  function verifyInclusion(leaf, index, size, path, root) {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
    if (!Array.isArray(path) || path.length > 64) return false;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < path.length; i++) {
      var p = fromHex(path[i]);
      if (!p || sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = nodeHash(p, r);
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  /* Base64 (RFC 4648 §4, padded, strict). */
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function b64decode(s) {
    if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
    var pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
    var out = new Uint8Array(s.length / 4 * 3 - pad), o = 0;
    for (var i = 0; i < s.length; i += 4) {
      var n = 0;
      for (var j = 0; j < 4; j++) { var c = s[i + j]; n = n * 64 + (c === '=' ? 0 : B64.indexOf(c)); }
      var bytes = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
      for (j = 0; j < 3 && o < out.length; j++) out[o++] = bytes[j];
    }
    if (b64encode(out) !== s) return null; // non-zero padding bits
    return out;
  }
  function b64encode(b) {
    var s = '';
    for (var i = 0; i < b.length; i += 3) {
      var n = (b[i] << 16) | ((b[i + 1] || 0) << 8) | (b[i + 2] || 0);
      s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
    }
    return s;
  }

  /* SSH wire format (RFC 4251 §5). */
  function Reader(b) { this.b = b; this.o = 0; }
  Reader.prototype.u32 = function () {
    if (this.o + 4 > this.b.length) throw new Error('truncated');
    var v = ((this.b[this.o] << 24) >>> 0) + (this.b[this.o + 1] << 16) + (this.b[this.o + 2] << 8) + this.b[this.o + 3];
    this.o += 4; return v;
  };
  Reader.prototype.byte = function () {
    if (this.o + 1 > this.b.length) throw new Error('truncated');
    return this.b[this.o++];
  };
  Reader.prototype.string = function () {
    var n = this.u32();
    if (this.o + n > this.b.length) throw new Error('truncated');
    var s = this.b.subarray(this.o, this.o + n); this.o += n; return s;
  };
  Reader.prototype.text = function () { return new TextDecoder('utf-8', { fatal: true }).decode(this.string()); };
  Reader.prototype.end = function () { if (this.o !== this.b.length) throw new Error('bytes after the end'); };
  function sshString(b) {
    var n = b.length;
    return concat([new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]), b]);
  }

  /* A public key blob: ssh-ed25519 or sk-ssh-ed25519@openssh.com, fields complete. */
  function parseKeyBlob(blob) {
    var r = new Reader(blob);
    var type = r.text();
    if (type === 'ssh-ed25519') {
      var pk = r.string(); r.end();
      if (pk.length !== 32) throw new Error('Ed25519 key is not 32 bytes');
      return { type: type, pk: pk, blob: blob };
    }
    if (type === 'sk-ssh-ed25519@openssh.com') {
      var skpk = r.string(); var app = r.string(); r.end();
      if (skpk.length !== 32) throw new Error('Ed25519 key is not 32 bytes');
      return { type: type, pk: skpk, application: app, blob: blob };
    }
    return { type: type, unsupported: true, blob: blob };
  }
  function fingerprint(blob) {
    return 'SHA256:' + b64encode(sha256(blob)).replace(/=+$/, '');
  }

  /* The one armor ssh-keygen writes (FORMAT.md §7), byte for byte. */
  function armor(blob) {
    var b = b64encode(blob), s = '-----BEGIN SSH SIGNATURE-----\n';
    for (var i = 0; i < b.length; i += 70) s += b.substr(i, 70) + '\n';
    return s + '-----END SSH SIGNATURE-----\n';
  }
  function dearmor(text) {
    var m = /^-----BEGIN SSH SIGNATURE-----\n([A-Za-z0-9+/=\n]*)-----END SSH SIGNATURE-----\n$/.exec(text);
    if (!m) throw new Error('not the SSH signature armor');
    var blob = b64decode(m[1].replace(/\n/g, ''));
    if (!blob || armor(blob) !== text) throw new Error('not the armor ssh-keygen writes, byte for byte');
    return blob;
  }

  /* An SSHSIG blob read field by field. */
  function parseSshsig(blob) {
    var r = new Reader(blob);
    if (new TextDecoder().decode(blob.subarray(0, 6)) !== 'SSHSIG') throw new Error('not an SSHSIG blob');
    r.o = 6;
    if (r.u32() !== 1) throw new Error('SSHSIG version is not 1');
    var keyBlob = r.string();
    var ns = r.text(), reserved = r.string(), alg = r.text(), sigBlob = r.string();
    r.end();
    if (ns !== NAMESPACE) throw new Error('namespace is ' + JSON.stringify(ns) + ', not ' + NAMESPACE);
    if (reserved.length !== 0) throw new Error('reserved field is not empty');
    if (alg !== 'sha512' && alg !== 'sha256') throw new Error('hash algorithm ' + alg);
    var key = parseKeyBlob(keyBlob);
    var s = new Reader(sigBlob), sigType = s.text(), sig = s.string(), sk = null;
    if (key.unsupported) return { key: key, alg: alg, ns: ns, reserved: reserved };
    if (key.type === 'ssh-ed25519') {
      if (sigType !== 'ssh-ed25519') throw new Error('signature type ' + sigType + ' for an Ed25519 key');
    } else {
      if (sigType !== 'sk-ssh-ed25519@openssh.com') throw new Error('signature type ' + sigType + ' for an sk key');
      sk = { flags: s.byte(), counter: s.u32() };
    }
    s.end();
    if (sig.length !== 64) throw new Error('Ed25519 signature is not 64 bytes');
    return { key: key, alg: alg, ns: ns, reserved: reserved, sig: sig, sk: sk };
  }

  async function ed25519Verify(sig, msg, pk, engine) {
    if (engine !== 'noble' && G.crypto && G.crypto.subtle) {
      try {
        var k = await G.crypto.subtle.importKey('raw', pk, { name: 'Ed25519' }, false, ['verify']);
        return { ok: await G.crypto.subtle.verify({ name: 'Ed25519' }, k, sig, msg), engine: 'WebCrypto' };
      } catch (e) {
        if (engine === 'webcrypto') throw e;
      }
    }
    var ok = false;
    try { ok = noble().ed25519Verify(sig, msg, pk); } catch (e) { ok = false; }
    return { ok: ok, engine: '@noble/curves' };
  }

  /* One signature file: {file, signature} over `message` (bytes of release.json). */
  async function checkSignature(file, text, message, engine) {
    var out = { file: file, valid: false, fingerprint: null, keyBlob: null, error: null, engine: null };
    try {
      var blob = dearmor(text), s = parseSshsig(blob);
      out.keyBlob = b64encode(s.key.blob);
      out.keyType = s.key.type;
      out.fingerprint = fingerprint(s.key.blob);
      if (file !== 'intact/signatures/' + hex(sha256(s.key.blob)) + '.sig') throw new Error('not named after its key');
      if (s.key.unsupported) { out.unsupported = true; throw new Error('key type ' + s.key.type + ' is not verified here (Ed25519 only); it does not count'); }
      var h = s.alg === 'sha512' ? noble().sha512(message) : sha256(message);
      var signed = concat([enc.encode('SSHSIG'), sshString(enc.encode(NAMESPACE)), sshString(s.reserved), sshString(enc.encode(s.alg)), sshString(h)]);
      if (s.sk) {
        var c = s.sk.counter;
        signed = concat([sha256(s.key.application), new Uint8Array([s.sk.flags, (c >>> 24) & 255, (c >>> 16) & 255, (c >>> 8) & 255, c & 255]), sha256(signed)]);
      }
      var v = await ed25519Verify(s.sig, signed, s.key.pk, engine);
      out.engine = v.engine;
      out.valid = v.ok;
      if (!v.ok) out.error = 'does not verify over this release.json';
    } catch (e) {
      out.error = String(e && e.message || e);
    }
    return out;
  }

  /* allowed_signers as OpenSSH reads it, for what a page needs: principals, options
   * (namespaces, cert-authority, valid-after, valid-before), key type, key blob. */
  function splitFields(line) {
    var out = [], cur = '', q = false, i = 0;
    for (; i < line.length; i++) {
      var c = line[i];
      if (c === '"') { q = !q; cur += c; continue; }
      if (!q && (c === ' ' || c === '\t')) { if (cur) { out.push(cur); cur = ''; } continue; }
      cur += c;
    }
    if (q) throw new Error('unterminated quote');
    if (cur) out.push(cur);
    return out;
  }
  function isKeyType(s) { return /^(ssh-|sk-|ecdsa-)/.test(s); }
  function parseTime(s) {
    var m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/.exec(s);
    if (!m) throw new Error('time ' + s);
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
  }
  function globMatch(pattern, s) {
    var re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    return re.test(s);
  }
  function parseAllowedSigners(text) {
    var out = [], lines = text.split('\n');
    for (var n = 0; n < lines.length; n++) {
      var line = lines[n].replace(/\r$/, '').trim();
      if (!line || line[0] === '#') continue;
      var f = splitFields(line), i = 1, opts = {};
      if (f.length < 3) throw new Error('line ' + (n + 1) + ': not principals, key type and key');
      if (!isKeyType(f[1])) {
        f[1].match(/(?:[^,"]|"[^"]*")+/g).forEach(function (o) {
          var eq = o.indexOf('='), k = (eq < 0 ? o : o.slice(0, eq)).toLowerCase(), v = eq < 0 ? true : o.slice(eq + 1).replace(/^"(.*)"$/, '$1');
          opts[k] = v;
        });
        i = 2;
      }
      var type = f[i], blob = b64decode(f[i + 1] || '');
      if (!type || !blob) throw new Error('line ' + (n + 1) + ': no key');
      var key = parseKeyBlob(blob);
      if (key.type !== type) throw new Error('line ' + (n + 1) + ': key type ' + type + ' is not the key\'s ' + key.type);
      out.push({
        line: n + 1, principals: f[0].split(','), keyBlob: b64encode(blob), keyType: type,
        certAuthority: !!opts['cert-authority'], namespaces: typeof opts.namespaces === 'string' ? opts.namespaces : null,
        validAfter: typeof opts['valid-after'] === 'string' ? parseTime(opts['valid-after']) : null,
        validBefore: typeof opts['valid-before'] === 'string' ? parseTime(opts['valid-before']) : null,
      });
    }
    return out;
  }
  /* The principal a verified signature counts for under `signers`, at time `at` (ms), or null. */
  function trustedBy(signers, keyBlob, at) {
    for (var i = 0; i < signers.length; i++) {
      var s = signers[i];
      if (s.certAuthority || s.keyBlob !== keyBlob) continue;
      if (s.namespaces !== null && !s.namespaces.split(',').some(function (p) { return globMatch(p, NAMESPACE); })) continue;
      if (s.validAfter !== null && at < s.validAfter) continue;
      if (s.validBefore !== null && at > s.validBefore) continue;
      return s.principals[0];
    }
    return null;
  }

  /* The release: statement well-formed and its signatures, each verified and judged against
   * `signers` (parsed allowed_signers). */
  async function checkRelease(rel, signers, engine) {
    var message = enc.encode(rel.release_json), st;
    try { st = JSON.parse(rel.release_json); } catch (e) { return { ok: false, error: 'release.json is not JSON' }; }
    var canon;
    try { canon = canonical(st); } catch (e) { return { ok: false, error: 'release.json is not canonical JSON: ' + e.message }; }
    if (canon !== rel.release_json) return { ok: false, error: 'release.json is not canonical JSON' };
    var bundleId = hex(sha256(message));
    if (rel.bundle_id !== undefined && rel.bundle_id !== bundleId) return { ok: false, error: 'the bundle id is not the SHA-256 of release.json' };
    if (st.format !== 'intact-release/1' || !fromHex(st.merkle_root)) return { ok: false, error: 'not an intact-release/1 statement' };
    var at = Date.parse(st.created);
    var sigs = [];
    for (var i = 0; i < (rel.signatures || []).length; i++) {
      var c = await checkSignature(rel.signatures[i].file, rel.signatures[i].signature, message, engine);
      c.principal = c.valid ? trustedBy(signers, c.keyBlob, at) : null;
      sigs.push(c);
    }
    var principals = [];
    sigs.forEach(function (c) { if (c.principal && principals.indexOf(c.principal) < 0) principals.push(c.principal); });
    return {
      ok: true, statement: st, bundleId: bundleId, signatures: sigs,
      allWellFormed: sigs.every(function (c) { return c.valid || c.unsupported; }), principals: principals,
    };
  }

  /* The whole check of a page: the file's digest and size against the item, the proof against
   * the signed root, and the signatures against the page's keys and, when given, the reader's.
   * `verdict` is one of: published, other-item, not-found, bad-proof, bad-signature, error. */
  async function checkDocument(page, file, readerSigners, engine) {
    var res = { verdict: 'error', reader: null };
    try {
      var proof = page.proof, rel = page.release, item = proof.item;
      var pageSigners = parseAllowedSigners((rel.keys || []).map(function (k) { return k.line; }).join('\n'));
      var r = await checkRelease(rel, pageSigners, engine);
      res.release = r;
      if (!r.ok || !r.allWellFormed || r.principals.length === 0) { res.verdict = 'bad-signature'; return res; }
      res.engine = r.signatures[0] && r.signatures[0].engine;
      if (readerSigners) {
        var mine = await checkRelease(rel, readerSigners, engine);
        res.reader = mine.principals;
      }
      var st = r.statement;
      if (proof.tree_size !== st.item_count || !verifyInclusion(leafHash(item), proof.leaf_index, proof.tree_size, proof.audit_path, fromHex(st.merkle_root))) {
        res.verdict = 'bad-proof'; return res;
      }
      res.statement = st;
      res.item = item;
      if (file.sha256 === item.sha256 && file.size === item.size) { res.verdict = 'published'; return res; }
      res.verdict = 'not-found';
      if (page.lookup) {
        var other = page.lookup(file.sha256);
        if (other) { res.verdict = 'other-item'; res.other = other; }
      }
    } catch (e) {
      res.verdict = 'error'; res.error = String(e && e.message || e);
    }
    return res;
  }

  G.IntactCore = {
    hex: hex, sha256Blob: sha256Blob, canonical: canonical, leafHash: leafHash,
    verifyInclusion: verifyInclusion, fromHex: fromHex, b64decode: b64decode, b64encode: b64encode,
    dearmor: dearmor, parseSshsig: parseSshsig, fingerprint: fingerprint,
    checkSignature: checkSignature, parseAllowedSigners: parseAllowedSigners, trustedBy: trustedBy,
    checkRelease: checkRelease, checkDocument: checkDocument,
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);
