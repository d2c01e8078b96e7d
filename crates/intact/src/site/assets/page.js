/* A document page's verifier (docs/SITE.md): hashes a chosen or dropped file with
 * IntactCore.sha256Blob, looks its digest up among the release's items (one bucket script of
 * the digest index), and shows IntactCore.checkDocument's verdict in the page's language. */
(function () {
  'use strict';
  var S = window.IntactStrings || {};
  var proofEl = document.getElementById('intact-proof');
  var out = document.getElementById('verdict');
  if (!proofEl || !out) return;
  var proof = JSON.parse(proofEl.textContent);
  var base = document.querySelector('script[src$="assets/page.js"]').getAttribute('src').replace(/assets\/page\.js$/, '');

  function say(key, vars) {
    return (S[key] || key).replace(/\{(\w+)\}/g, function (_, k) { return vars && k in vars ? vars[k] : ''; });
  }
  function show(kind, lines) {
    out.className = 'verdict verdict-' + kind;
    out.textContent = '';
    lines.forEach(function (l, i) {
      var p = document.createElement(i === 0 ? 'strong' : 'p');
      p.textContent = l;
      out.appendChild(p);
    });
    out.setAttribute('data-verdict', kind);
  }

  /* The digest index bucket of the release for a digest (a script file: works from file://). */
  var buckets = {};
  window.IntactDigests = { bucket: function (release, prefix, rows) { buckets[release + '/' + prefix] = rows; } };
  function loadBucket(release, digest) {
    var key = release + '/' + digest.slice(0, 2);
    if (buckets[key]) return Promise.resolve(buckets[key]);
    return new Promise(function (resolve) {
      var s = document.createElement('script');
      s.src = base + 'data/digest/' + release + '/' + digest.slice(0, 2) + '.js';
      s.onload = function () { resolve(buckets[key] || []); };
      s.onerror = function () { resolve([]); };
      document.head.appendChild(s);
    });
  }

  function readerSigners() {
    var text = document.getElementById('allowed-signers').value;
    if (!text.trim()) return { signers: null };
    try { return { signers: IntactCore.parseAllowedSigners(text) }; } catch (e) { return { error: String(e.message || e) }; }
  }

  async function check(file) {
    try {
      show('working', [say('v_hashing')]);
      var digest = await IntactCore.sha256Blob(file);
      show('working', [say('v_checking')]);
      var rows = await loadBucket(proof.release, digest);
      var mine = readerSigners();
      var page = {
        proof: proof, release: window.IntactRelease,
        lookup: function (d) { for (var i = 0; i < rows.length; i++) if (rows[i][0] === d) return { n: rows[i][1], id: rows[i][2] }; return null; },
      };
      var r = await IntactCore.checkDocument(page, { sha256: digest, size: file.size }, mine.signers || null);
      var lines = [], kind = r.verdict;
      var st = r.statement || {};
      var vars = { release: st.release, date: (st.created || '').slice(0, 10), id: r.item && r.item.id, sha256: digest };
      if (r.verdict === 'published') lines.push(say('v_ok', vars));
      else if (r.verdict === 'other-item') { vars.id = r.other.id; lines.push(say('v_ok_other', vars)); }
      else if (r.verdict === 'not-found') lines.push(say('v_not_found', vars));
      else if (r.verdict === 'bad-proof') lines.push(say('v_bad_proof'));
      else if (r.verdict === 'bad-signature') lines.push(say('v_bad_signature'));
      else lines.push(say('v_error', { error: r.error }));
      if (mine.error) { lines.push(say('v_pasted_bad', { error: mine.error })); kind = kind === 'published' ? 'untrusted' : kind; }
      else if (r.reader) {
        if (r.reader.length) lines.push(say('v_pasted_ok', { principals: r.reader.join(', ') }));
        else { lines.push(say('v_pasted_untrusted')); if (kind === 'published') kind = 'untrusted'; }
      }
      if (r.engine) lines.push(say('v_engine', { engine: r.engine }));
      show(kind, lines);
    } catch (e) {
      show('error', [say('v_error', { error: String(e && e.message || e) })]);
    }
  }

  var input = document.getElementById('verify-file');
  input.addEventListener('change', function () { if (input.files[0]) check(input.files[0]); });
  var drop = document.getElementById('drop');
  drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
  drop.addEventListener('drop', function (e) {
    e.preventDefault(); drop.classList.remove('over');
    if (e.dataTransfer.files[0]) check(e.dataTransfer.files[0]);
  });
  var asFile = document.getElementById('allowed-signers-file');
  asFile.addEventListener('change', function () {
    if (!asFile.files[0]) return;
    asFile.files[0].text().then(function (t) { document.getElementById('allowed-signers').value = t; });
  });
})();
