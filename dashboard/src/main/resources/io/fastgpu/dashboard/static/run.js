// The run page: follows the run's live feed (server-sent events) and keeps its logs, charts and state up to date.
// Every text from the run goes into the page as text (textContent, text nodes), never as markup.
(function () {
  'use strict';
  var root = document.getElementById('run');
  if (!root) return;
  var runId = root.getAttribute('data-run');
  var MAX_LINES = 20000;
  var COLORS = ['#3b6ea8', '#d9822b', '#3f9e5a', '#b84a62', '#7c5cad', '#2a9d9a', '#8c6d3f', '#c44d9b'];

  // ---- logs: one pane per task, the launch's own lines first ----
  var logsBox = document.getElementById('logs');
  var tabsBox = document.getElementById('log-tabs');
  var panes = {};
  var active = null;

  function show(task) {
    Object.keys(panes).forEach(function (t) {
      panes[t].pre.hidden = t !== task;
      panes[t].tab.className = t === task ? 'tab active' : 'tab';
    });
    active = task;
  }

  function pane(task) {
    if (panes[task]) return panes[task];
    var none = document.getElementById('no-logs');
    if (none) none.remove();
    var tab = document.createElement('button');
    tab.type = 'button';
    tab.className = 'tab';
    tab.textContent = task;
    tab.setAttribute('data-task', task);
    tab.addEventListener('click', function () { show(task); });
    var pre = document.createElement('pre');
    pre.className = 'log';
    pre.setAttribute('data-task', task);
    pre.hidden = true;
    var p = panes[task] = {tab: tab, pre: pre, lines: 0};
    // tabs in order: launch, task0, task1, ...
    var order = Object.keys(panes).sort(function (a, b) {
      if (a === 'launch') return -1;
      if (b === 'launch') return 1;
      return (parseInt(a.slice(4), 10) || 0) - (parseInt(b.slice(4), 10) || 0);
    });
    var i = order.indexOf(task);
    var next = i + 1 < order.length ? panes[order[i + 1]] : null;
    tabsBox.insertBefore(tab, next ? next.tab : null);
    logsBox.insertBefore(pre, next ? next.pre : null);
    // The first task's output is what one usually wants to see; the launch's lines until then.
    if (active === null || (active === 'launch' && task !== 'launch')) show(task);
    return p;
  }

  function addLines(lines) {
    var byTask = {};
    lines.forEach(function (l) { (byTask[l.task] = byTask[l.task] || []).push(l.text); });
    Object.keys(byTask).forEach(function (task) {
      var p = pane(task);
      var pre = p.pre;
      var atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
      pre.appendChild(document.createTextNode(byTask[task].join('\n') + '\n'));
      p.lines += byTask[task].length;
      pre.setAttribute('data-lines', String(p.lines));
      if (pre.childNodes.length > 200) pre.normalize();
      if (p.lines > MAX_LINES) trim(p);
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    });
  }

  function trim(p) {
    var text = p.pre.textContent;
    var cut = 0;
    for (var drop = p.lines - MAX_LINES; drop > 0 && cut >= 0; drop--) cut = text.indexOf('\n', cut) + 1;
    p.pre.textContent = text.slice(cut);
    p.lines = MAX_LINES;
  }

  // ---- charts: one per metric, a line per task ----
  var chartsBox = document.getElementById('charts');
  var charts = {};
  var dirty = {};
  var frame = 0;

  function chart(name) {
    if (charts[name]) return charts[name];
    var none = document.getElementById('no-metrics');
    if (none) none.remove();
    var box = document.createElement('figure');
    box.className = 'chart';
    box.setAttribute('data-metric', name);
    var title = document.createElement('figcaption');
    var label = document.createElement('span');
    label.className = 'chart-title';
    label.textContent = name;
    var latest = document.createElement('span');
    latest.className = 'latest';
    title.appendChild(label);
    title.appendChild(latest);
    var plotBox = document.createElement('div');
    plotBox.className = 'plot';
    box.appendChild(title);
    box.appendChild(plotBox);
    chartsBox.appendChild(box);
    return (charts[name] = {box: box, plotBox: plotBox, latest: latest, tasks: {}, taskOrder: [], plot: null, count: 0});
  }

  // A chart's x axis is the training step when its points say it (points collected together share one time),
  // else the time each was measured.
  function addPoints(points) {
    points.forEach(function (p) {
      var c = chart(p.name);
      if (c.byStep === undefined) c.byStep = p.step != null;
      var x = c.byStep ? p.step : p.t;
      if (x == null) return;
      var key = 'task' + p.task;
      var s = c.tasks[key];
      if (!s) {
        s = c.tasks[key] = {xs: [], ys: []};
        c.taskOrder.push(key);
        if (c.plot) { c.plot.destroy(); c.plot = null; } // a new line: drawn afresh
      }
      // points arrive in the order stored; keep each line sorted by x
      var n = s.xs.length;
      if (n === 0 || s.xs[n - 1] <= x) { s.xs.push(x); s.ys.push(p.v); }
      else {
        var i = n;
        while (i > 0 && s.xs[i - 1] > x) i--;
        s.xs.splice(i, 0, x); s.ys.splice(i, 0, p.v);
      }
      c.count++;
      c.latest.textContent = formatValue(p.v) + (p.epoch != null ? '  · epoch ' + p.epoch : '') +
          (p.step != null ? '  · step ' + p.step : '');
      dirty[p.name] = true;
    });
    if (!frame) frame = requestAnimationFrame(draw);
  }

  function formatValue(v) {
    if (v === 0) return '0';
    var a = Math.abs(v);
    return a >= 1e5 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(5)));
  }

  function data(c) {
    var tables = c.taskOrder.map(function (k) { return [c.tasks[k].xs, c.tasks[k].ys]; });
    return tables.length === 1 ? tables[0] : uPlot.join(tables);
  }

  function draw() {
    frame = 0;
    Object.keys(dirty).forEach(function (name) {
      var c = charts[name];
      if (c.plot) c.plot.setData(data(c));
      else c.plot = new uPlot(options(c), data(c), c.plotBox);
      c.box.setAttribute('data-points', String(c.count));
    });
    dirty = {};
  }

  function options(c) {
    var series = [{}];
    c.taskOrder.forEach(function (k, i) {
      series.push({label: k, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
        points: {show: c.tasks[k].xs.length < 60, size: 5}, value: function (u, v) { return v == null ? '–' : formatValue(v); }});
    });
    var axis = {stroke: '#5b6570', grid: {stroke: '#eceff3', width: 1}, ticks: {stroke: '#dde2e8', width: 1}};
    var xAxis = c.byStep ? Object.assign({label: 'step', labelSize: 18}, axis) : axis;
    series[0] = c.byStep ? {label: 'step'} : {};
    return {
      width: Math.max(280, c.plotBox.clientWidth || 420), height: 220,
      scales: {x: {time: !c.byStep}},
      series: series,
      axes: [xAxis, Object.assign({size: 60, values: function (u, vals) { return vals.map(formatValue); }}, axis)],
      legend: {show: c.taskOrder.length > 1},
      cursor: {points: {size: 7}}
    };
  }

  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (n) {
      var c = charts[n];
      if (c.plot) c.plot.setSize({width: Math.max(280, c.plotBox.clientWidth), height: 220});
    });
  });

  // ---- the live feed ----
  var feed = new EventSource('/runs/' + encodeURIComponent(runId) + '/stream');
  feed.addEventListener('log', function (e) { addLines(JSON.parse(e.data)); });
  feed.addEventListener('metrics', function (e) { addPoints(JSON.parse(e.data)); });
  feed.addEventListener('status', function (e) {
    var s = JSON.parse(e.data);
    // badge and timeline are HTML the server built with every text escaped
    document.getElementById('run-status').innerHTML = s.badge;
    document.getElementById('timeline-box').innerHTML = s.timeline;
    document.getElementById('run-took').textContent = s.took;
    document.getElementById('run-restarts').textContent = String(s.restarts);
    root.setAttribute('data-status', s.status);
  });
  feed.addEventListener('problem', function (e) {
    var p = document.createElement('p');
    p.className = 'note';
    p.textContent = JSON.parse(e.data).message;
    root.insertBefore(p, root.firstChild);
  });
  feed.addEventListener('end', function () {
    feed.close();
    root.setAttribute('data-ended', 'true');
  });
})();
