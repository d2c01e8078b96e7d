/* A release page's filter (docs/SITE.md): the facets file says which chunks of the filter
 * index can hold a case, volume, type, status or date range; the chunks (script files, so
 * file:// works) are loaded one at a time, only as far as the matches shown need. */
(function () {
  'use strict';
  var F = window.IntactFacets;
  var S = window.IntactStrings || {};
  var form = document.getElementById('filter');
  if (!F || !form) return;
  var base = document.querySelector('script[src$="assets/filter.js"]').getAttribute('src').replace(/assets\/filter\.js$/, '');
  var PAGE = 100;
  var chunks = {}, waiting = {};
  window.IntactFilter = {
    chunk: function (release, i, rows) { chunks[i] = rows; if (waiting[i]) { waiting[i](rows); delete waiting[i]; } },
  };
  function load(i) {
    if (chunks[i]) return Promise.resolve(chunks[i]);
    return new Promise(function (resolve) {
      waiting[i] = resolve;
      var s = document.createElement('script');
      s.src = base + 'data/filter/' + F.release + '/' + i + '.js';
      s.onerror = function () { resolve([]); };
      document.head.appendChild(s);
    });
  }
  function val(id) { return document.getElementById(id).value.trim(); }
  function criteria() {
    return { text: val('f-text').toLowerCase(), c: val('f-case'), v: val('f-volume'), t: val('f-type'), s: val('f-status'), from: val('f-from'), to: val('f-to') };
  }
  /* The chunks that can hold a match: the intersection of each chosen facet's chunk list. */
  function candidates(q) {
    var all = [];
    for (var i = 0; i < F.chunks; i++) all.push(i);
    function keep(map, v) { if (!v) return; var ok = map[v] || []; all = all.filter(function (i) { return ok.indexOf(i) >= 0; }); }
    keep(F.case_no, q.c); keep(F.volume, q.v); keep(F.doc_type, q.t); keep(F.status, q.s);
    return all.filter(function (i) {
      var d = F.dates[i];
      if (!q.from && !q.to) return true;
      if (!d) return false;
      return (!q.from || d[1] >= q.from) && (!q.to || d[0].slice(0, q.to.length) <= q.to);
    });
  }
  function match(r, q) {
    if (q.text && (r[1] + ' ' + r[2]).toLowerCase().indexOf(q.text) < 0) return false;
    if (q.c && r[3] !== q.c) return false;
    if (q.v && r[4] !== q.v) return false;
    if (q.t && r[5] !== q.t) return false;
    if (q.s && r[7] !== q.s) return false;
    if (q.from && (!r[6] || r[6] < q.from)) return false;
    if (q.to && (!r[6] || r[6].slice(0, q.to.length) > q.to)) return false;
    return true;
  }
  var tbody = document.getElementById('f-rows'), count = document.getElementById('f-count'), more = document.getElementById('f-more');
  var run = 0, state = null;
  function row(r) {
    var tr = document.createElement('tr');
    var td = document.createElement('td'), a = document.createElement('a');
    a.href = '../doc/' + F.release + '/' + r[0] + '.html';
    a.textContent = r[2] || r[1];
    td.appendChild(a);
    if (r[8] !== 'current') { var tag = document.createElement('span'); tag.className = 'tag'; tag.textContent = S['state_' + r[8]] || r[8]; td.appendChild(document.createTextNode(' ')); td.appendChild(tag); }
    tr.appendChild(td);
    [r[3], r[4], r[5], r[6], S['status_' + r[7]] || r[7]].forEach(function (v) { var c = document.createElement('td'); c.textContent = v; tr.appendChild(c); });
    return tr;
  }
  async function fill(mine) {
    var shown = 0;
    while (state.next < state.chunks.length && shown < PAGE) {
      var rows = await load(state.chunks[state.next]);
      if (mine !== run) return;
      for (var j = state.pos; j < rows.length; j++) {
        if (match(rows[j], state.q)) { tbody.appendChild(row(rows[j])); shown++; state.total++; }
        if (shown >= PAGE) { state.pos = j + 1; break; }
      }
      if (shown < PAGE || state.pos >= rows.length) { state.next++; state.pos = 0; }
    }
    more.hidden = state.next >= state.chunks.length;
    count.textContent = state.total ? state.total + ' / ' + F.count : S.f_no_match;
  }
  function apply() {
    run++;
    var q = criteria();
    state = { q: q, chunks: candidates(q), next: 0, pos: 0, total: 0 };
    tbody.textContent = '';
    count.textContent = S.f_loading;
    fill(run);
  }
  form.hidden = false;
  form.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  more.addEventListener('click', function () { fill(run); });
  if (F.count > PAGE) apply();
})();
