/**
 * The dashboard page: static HTML, vanilla JS, an inline SVG chart. It connects to `/events` of the
 * dashboard that served it; when that stream breaks it asks every dashboard it has heard of
 * (`snapshot.dashboards`) for `/api/snapshot`, prefers the one that leads, and reconnects there
 * (the servers send `Access-Control-Allow-Origin: *`). No template literals inside: this file is
 * itself one.
 */
// biome-ignore lint/complexity/noUselessStringRaw: keeps any backslash the page script gains verbatim.
export const PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>idunno dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  :root { --fg:#1d2330; --muted:#6b7385; --bg:#f5f6f8; --card:#fff; --line:#e3e6eb; --ok:#1f9d55; --warn:#d69e2e; --bad:#e53e3e; }
  * { box-sizing: border-box; }
  body { margin:0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; flex-wrap:wrap; gap:18px; align-items:baseline; padding:12px 20px; background:#1d2330; color:#fff; }
  header h1 { font-size:18px; margin:0 12px 0 0; }
  header .kv { color:#cfd5e1; } header .kv b { color:#fff; font-weight:600; }
  #conn.ok { color:#7ee2a8; } #conn.bad { color:#ff9a9a; }
  main { display:grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap:16px; padding:16px 20px; }
  section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
  section h2 { font-size:13px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); margin:0 0 8px; }
  .wide { grid-column: 1 / -1; }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); vertical-align:top; white-space:nowrap; }
  th { color:var(--muted); font-weight:500; font-size:12px; }
  td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
  .bar { position:relative; height:14px; width:160px; background:#edf0f4; border-radius:7px; overflow:hidden; }
  .bar > div { position:absolute; inset:0 auto 0 0; background:#4c7cf0; }
  .bar > span { position:absolute; inset:0; font-size:10px; text-align:center; line-height:14px; }
  .swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; }
  .state-alive { color:var(--ok); } .state-suspect { color:var(--warn); font-weight:600; } .state-dead, .state-left { color:var(--bad); font-weight:600; }
  #log { list-style:none; margin:0; padding:0; max-height:260px; overflow:auto; font: 12px/1.5 ui-monospace, Menlo, monospace; }
  #log li { border-bottom:1px dashed var(--line); padding:2px 0; white-space:pre-wrap; }
  #log .t { color:var(--muted); margin-right:8px; } #log .k { display:inline-block; min-width:92px; font-weight:600; }
  #log .k-worker-lost, #log .k-member { color:var(--bad); } #log .k-leader, #log .k-role { color:#805ad5; } #log .k-job { color:var(--ok); }
  .muted { color:var(--muted); } .workers { white-space:normal; max-width:260px; font-size:12px; }
  svg text { font-size:10px; fill:var(--muted); }
  #source { font-size:12px; }
</style>
</head>
<body>
<header>
  <h1>idunno</h1>
  <span class="kv">leader <b id="leader">…</b></span>
  <span class="kv">epoch <b id="epoch">…</b></span>
  <span class="kv">serving <b id="node">…</b> (<span id="role">…</span>)</span>
  <span class="kv" id="source">…</span>
  <span class="kv" id="conn">connecting…</span>
</header>
<main>
  <section class="wide">
    <h2>Query rate, last 2 minutes (queries/s)</h2>
    <svg id="chart" width="100%" height="220" viewBox="0 0 900 220" preserveAspectRatio="none" role="img" aria-label="query rate per job"></svg>
  </section>
  <section class="wide">
    <h2>Jobs</h2>
    <table id="jobs"><thead><tr>
      <th>job</th><th>model</th><th>state</th><th>progress</th><th class="num">done / total</th><th class="num">rate q/s</th>
      <th class="num">errors</th><th class="num">p50 ms</th><th class="num">p90 ms</th><th class="num">p95 ms</th><th class="num">p99 ms</th><th class="num">eta s</th><th>workers</th>
    </tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2>Members</h2>
    <table id="members"><thead><tr><th>id</th><th>role</th><th>state</th><th>address</th><th>models</th></tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2>Events</h2>
    <ul id="log"></ul>
  </section>
</main>
<script>
(function () {
  'use strict';
  var COLORS = ['#4c7cf0', '#e8590c', '#2f9e44', '#ae3ec9', '#f59f00', '#1098ad', '#d6336c'];
  var colorOf = {};
  var known = [location.origin];
  var current = null, es = null, last = null, connectedAt = 0, failing = false, snapshots = 0;
  var logged = {};

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); }
    return e;
  }
  function fmt(n, d) { return n === null || n === undefined ? '–' : Number(n).toFixed(d); }
  function color(job) {
    if (!colorOf[job]) colorOf[job] = COLORS[Object.keys(colorOf).length % COLORS.length];
    return colorOf[job];
  }
  function remember(urls) { (urls || []).forEach(function (u) { if (u && known.indexOf(u) < 0) known.push(u); }); }

  function setConn(text, ok) { var c = $('conn'); c.textContent = text; c.className = 'kv ' + (ok ? 'ok' : 'bad'); }

  function connect(url) {
    if (es) es.close();
    current = url; connectedAt = Date.now(); failing = false;
    setConn('connecting to ' + url, true);
    es = new EventSource(url + '/events');
    es.addEventListener('open', function () { setConn('live from ' + url, true); });
    es.addEventListener('snapshot', function (e) { render(JSON.parse(e.data)); });
    es.addEventListener('log', function (e) { addLog(JSON.parse(e.data)); });
    es.onerror = function () { if (!failing) failover(); };
  }

  // The stream broke (its coordinator died, or it is restarting): find a dashboard that answers,
  // preferring the leader's; take a standby's after a few rounds with no leader (a takeover takes
  // about one lease TTL). Keeps trying forever, once a second.
  function failover() {
    failing = true;
    if (es) { es.close(); es = null; }
    setConn('stream lost; looking for another coordinator…', false);
    var rounds = 0;
    function round() {
      rounds++;
      var order = [];
      if (last && last.leaderDashboard) order.push(last.leaderDashboard);
      known.forEach(function (u) { if (order.indexOf(u) < 0) order.push(u); });
      var answers = order.map(function (u) {
        return fetch(u + '/api/snapshot', { signal: AbortSignal.timeout(1500), cache: 'no-store' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (s) { return s ? { url: u, snap: s } : null; }, function () { return null; });
      });
      Promise.all(answers).then(function (rs) {
        var up = rs.filter(Boolean);
        up.forEach(function (r) { remember(r.snap.dashboards); });
        var lead = up.filter(function (r) { return r.snap.isLeader; })[0];
        var pick = lead || (rounds >= 3 ? up[0] : null);
        if (pick) connect(pick.url); else setTimeout(round, 1000);
      });
    }
    round();
  }

  function render(s) {
    last = s; snapshots++;
    remember(s.dashboards);
    document.body.setAttribute('data-snapshots', String(snapshots));
    $('leader').textContent = s.leader || 'none';
    $('epoch').textContent = String(s.epoch);
    $('node').textContent = s.node;
    $('role').textContent = s.role;
    $('source').textContent = s.source === 'tracker' ? 'source: live tracker' : 'source: redis, leader is ' + (s.leader || 'unknown');
    renderJobs(s); renderMembers(s); renderChart(s);
    // A standby serves the page too, but the leader's numbers are fresher: move there once it is known.
    if (!s.isLeader && s.leaderDashboard && s.leaderDashboard !== current && Date.now() - connectedAt > 5000) connect(s.leaderDashboard);
  }

  function renderJobs(s) {
    var body = $('jobs').tBodies[0];
    body.textContent = '';
    s.jobs.forEach(function (j) {
      var pct = j.total > 0 ? (100 * j.done) / j.total : 0;
      var p = j.processing;
      var bar = el('div', { class: 'bar' }, [el('div', { style: 'width:' + pct.toFixed(1) + '%' }), el('span', { text: pct.toFixed(1) + '%' })]);
      var tr = el('tr', { 'data-job': j.jobId }, [
        el('td', {}, [el('span', { class: 'swatch', style: 'background:' + color(j.jobId) }), j.jobId]),
        el('td', { text: j.model }),
        el('td', { class: 'state', text: j.state }),
        el('td', {}, [bar]),
        el('td', { class: 'num done', text: j.done + ' / ' + j.total }),
        el('td', { class: 'num rate', text: fmt(j.rateQps, 1) }),
        el('td', { class: 'num errors', text: String(j.errors) }),
        el('td', { class: 'num', text: p ? fmt(p.medianMs, 1) : '–' }),
        el('td', { class: 'num', text: p ? fmt(p.p90Ms, 1) : '–' }),
        el('td', { class: 'num', text: p ? fmt(p.p95Ms, 1) : '–' }),
        el('td', { class: 'num', text: p ? fmt(p.p99Ms, 1) : '–' }),
        el('td', { class: 'num', text: fmt(j.etaS, 0) }),
        el('td', { class: 'workers', text: j.workers.length ? j.workers.join(', ') : (s.isLeader ? 'none' : '(known on the leader)') }),
      ]);
      body.appendChild(tr);
    });
    if (!s.jobs.length) body.appendChild(el('tr', {}, [el('td', { colspan: '13', class: 'muted', text: 'no jobs yet' })]));
  }

  function renderMembers(s) {
    var body = $('members').tBodies[0];
    body.textContent = '';
    s.members.forEach(function (m) {
      var role = m.role + (m.id === s.leader ? ' (leader)' : '');
      body.appendChild(el('tr', { 'data-member': m.id, 'data-state': m.state }, [
        el('td', { text: m.id }), el('td', { text: role }),
        el('td', { class: 'state state-' + m.state, text: m.state }),
        el('td', { class: 'muted', text: m.address }),
        el('td', { text: m.models.join(', ') }),
      ]));
    });
  }

  function renderChart(s) {
    var W = 900, H = 220, L = 48, R = 120, T = 10, B = 22;
    var chart = $('chart');
    chart.textContent = '';
    var end = s.at, start = end - s.historyS * 1000;
    var max = 1;
    Object.keys(s.history).forEach(function (k) { s.history[k].forEach(function (p) { if (p[1] > max) max = p[1]; }); });
    max = niceMax(max);
    function x(t) { return L + ((t - start) / (end - start)) * (W - L - R); }
    function y(v) { return T + (1 - v / max) * (H - T - B); }
    // niceMax is 1, 2, 2.5 or 5 times a power of ten, so fifths are round numbers.
    for (var i = 0; i <= 5; i++) {
      var v = (max * i) / 5;
      chart.appendChild(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e3e6eb' }));
      chart.appendChild(svg('text', { x: L - 6, y: y(v) + 3, 'text-anchor': 'end', text: String(Math.round(v * 100) / 100) }));
    }
    [120, 90, 60, 30, 0].forEach(function (sec) {
      var t = end - sec * 1000;
      chart.appendChild(svg('text', { x: x(t), y: H - 6, 'text-anchor': 'middle', text: sec ? '-' + sec + ' s' : 'now' }));
    });
    var row = 0;
    Object.keys(s.history).sort().forEach(function (job) {
      var pts = s.history[job];
      if (!pts.length) return;
      var d = pts.map(function (p) { return x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join(' ');
      chart.appendChild(svg('polyline', { points: d, fill: 'none', stroke: color(job), 'stroke-width': 2, 'data-job': job }));
      var lastP = pts[pts.length - 1];
      chart.appendChild(svg('rect', { x: W - R + 12, y: T + row * 18, width: 10, height: 10, fill: color(job) }));
      chart.appendChild(svg('text', { x: W - R + 26, y: T + row * 18 + 9, text: job + ' ' + fmt(lastP[1], 1) }));
      row++;
    });
  }
  function niceMax(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = [1, 2, 2.5, 5, 10].find(function (f) { return f * p >= v * 1.05; });
    return (m || 10) * p;
  }

  function addLog(e) {
    var key = e.node + ':' + e.seq;
    if (logged[key]) return;
    logged[key] = true;
    var t = new Date(e.at).toLocaleTimeString();
    var li = el('li', { 'data-kind': e.kind }, [el('span', { class: 't', text: t }), el('span', { class: 'k k-' + e.kind, text: e.kind }), e.text + '  ', el('span', { class: 'muted', text: '@' + e.node })]);
    li.setAttribute('data-at', String(e.at));
    // Newest first by time: after a failover the new dashboard replays its backlog, which is older.
    var log = $('log'), before = null;
    for (var i = 0; i < log.children.length; i++) {
      if (Number(log.children[i].getAttribute('data-at')) <= e.at) { before = log.children[i]; break; }
    }
    log.insertBefore(li, before);
    while (log.children.length > 300) log.removeChild(log.lastChild);
  }

  connect(location.origin);
})();
</script>
</body>
</html>
`;
