/* lovportal checklist: dated plan, ticking with saved progress, export/import/reset.
   Plain ES2017, no dependencies. The page works without it: the list, its order and the
   relative deadlines (and, for a provider, the dates) are in the HTML. Working days skip
   weekends and the closed dates the build wrote into data-closed (the holiday rule lives
   in one place, the Rust build). */
(function () {
  'use strict';
  var root = document.getElementById('checklista');
  if (!root) { return; }
  var listId = root.getAttribute('data-checklist');
  var closed = {};
  try { JSON.parse(root.getAttribute('data-closed') || '[]').forEach(function (d) { closed[d] = true; }); } catch (e) { /* no dates */ }
  var steps = Array.prototype.slice.call(root.querySelectorAll('.step'));

  // ---- dates (UTC-based civil dates, so the visitor's time zone never shifts a day)
  function parseDate(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
    if (!m) { return null; }
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCMonth() === +m[2] - 1 ? d : null;
  }
  function iso(d) { return d.toISOString().slice(0, 10); }
  function addDays(d, n) { return new Date(d.getTime() + n * 86400000); }
  function isWorkingDay(d) { var w = d.getUTCDay(); return w !== 0 && w !== 6 && !closed[iso(d)]; }
  function addWorkingDays(d, n) {
    var step = n < 0 ? -1 : 1, left = Math.abs(n);
    while (left > 0) { d = addDays(d, step); if (isWorkingDay(d)) { left -= 1; } }
    return d;
  }
  var WEEKDAYS = ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'];
  var MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
  function label(d) { return WEEKDAYS[d.getUTCDay()] + ' ' + d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear(); }
  function todayStockholm(nowMs) {
    var parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(nowMs));
    var get = function (t) { return parts.filter(function (p) { return p.type === t; })[0].value; };
    return parseDate(get('year') + '-' + get('month') + '-' + get('day'));
  }

  /** The plan for a start date and services: {stepId: 'YYYY-MM-DD'} and which steps apply. */
  function plan(startIso, services) {
    var start = parseDate(startIso);
    var due = {}, applies = {};
    steps.forEach(function (li) {
      var own = (li.getAttribute('data-services') || '').split(' ').filter(Boolean);
      applies[li.getAttribute('data-step')] = !services || services.length === 0 || own.length === 0 ||
        own.some(function (s) { return services.indexOf(s) >= 0; });
    });
    if (!start) { return { due: due, applies: applies }; }
    // Steps are in dependency order in the page, so a step's anchor is computed first.
    steps.forEach(function (li) {
      var id = li.getAttribute('data-step');
      var n = parseInt(li.getAttribute('data-lead-amount'), 10);
      var unit = li.getAttribute('data-lead-unit');
      var anchor = li.getAttribute('data-lead-anchor');
      if (isNaN(n) || !anchor) { return; }
      var base = null, sign = 1;
      if (anchor === 'before-start') { base = start; sign = -1; }
      else if (anchor === 'after-start') { base = start; }
      else if (anchor.indexOf('step:') === 0 && due[anchor.slice(5)]) { base = parseDate(due[anchor.slice(5)]); }
      if (!base) { return; }
      var d = unit === 'wd' ? addWorkingDays(base, sign * n) : addDays(base, sign * n * (unit === 'w' ? 7 : 1));
      due[id] = iso(d);
    });
    return { due: due, applies: applies };
  }

  // ---- progress, kept per provider or per planner URL
  var storageKey = 'lovportal:v1:' + listId;
  function load() { try { return JSON.parse(localStorage.getItem(storageKey) || '{}').done || []; } catch (e) { return []; } }
  function save(done) { try { localStorage.setItem(storageKey, JSON.stringify({ list: listId, done: done })); } catch (e) { /* storage off */ } }

  var tools = document.createElement('div');
  tools.className = 'checklist-tools';
  var progressText = document.createElement('p');
  progressText.id = 'checklista-framsteg';
  progressText.setAttribute('aria-live', 'polite');
  var bar = document.createElement('progress');
  bar.setAttribute('aria-labelledby', 'checklista-framsteg');
  function button(text, id) { var b = document.createElement('button'); b.type = 'button'; b.id = id; b.textContent = text; return b; }
  var exportBtn = button('Spara framsteg som fil', 'checklista-exportera');
  var importLabel = document.createElement('label');
  importLabel.setAttribute('for', 'checklista-importera');
  importLabel.textContent = 'Läs in sparad fil';
  var importInput = document.createElement('input');
  importInput.type = 'file'; importInput.id = 'checklista-importera'; importInput.accept = '.json,application/json';
  var resetBtn = button('Börja om', 'checklista-nollstall');
  [progressText, bar, exportBtn, importLabel, importInput, resetBtn].forEach(function (el) { tools.appendChild(el); });
  root.parentNode.insertBefore(tools, root);

  var boxes = {};
  steps.forEach(function (li) {
    var id = li.getAttribute('data-step');
    var h = li.querySelector('h3');
    var box = document.createElement('input');
    box.type = 'checkbox'; box.id = 'klar-' + id; box.className = 'step-done';
    var lab = document.createElement('label');
    lab.setAttribute('for', box.id);
    lab.className = 'step-done-label';
    lab.textContent = 'Klart';
    var wrap = document.createElement('p');
    wrap.className = 'step-check';
    wrap.appendChild(box); wrap.appendChild(document.createTextNode(' ')); wrap.appendChild(lab);
    h.parentNode.insertBefore(wrap, h.nextSibling);
    box.addEventListener('change', function () { persist(); render(); });
    boxes[id] = box;
  });

  function visibleSteps() { return steps.filter(function (li) { return !li.hidden; }); }
  function persist() {
    save(Object.keys(boxes).filter(function (id) { return boxes[id].checked; }).sort());
  }
  function restore() {
    var done = load();
    Object.keys(boxes).forEach(function (id) { boxes[id].checked = done.indexOf(id) >= 0; });
  }

  var today = todayStockholm(Date.now());
  function mark(li, dueIso) {
    var id = li.getAttribute('data-step');
    li.classList.remove('overdue', 'due-soon', 'done');
    var flag = li.querySelector('.due-flag');
    if (flag) { flag.parentNode.removeChild(flag); }
    if (boxes[id].checked) { li.classList.add('done'); return; }
    var due = parseDate(dueIso);
    if (!due || !today) { return; }
    var days = Math.round((due - today) / 86400000);
    var text = null;
    if (days < 0) { li.classList.add('overdue'); text = 'Försenad'; }
    else if (days <= 7) { li.classList.add('due-soon'); text = days === 0 ? 'Sista dag i dag' : 'Snart: ' + days + (days === 1 ? ' dag kvar' : ' dagar kvar'); }
    if (text) {
      var s = document.createElement('strong');
      s.className = 'due-flag';
      s.textContent = text;
      var h = li.querySelector('h3');
      h.appendChild(document.createTextNode(' '));
      h.appendChild(s);
    }
  }

  function render() {
    var vis = visibleSteps();
    var done = vis.filter(function (li) { return boxes[li.getAttribute('data-step')].checked; }).length;
    progressText.textContent = done + ' av ' + vis.length + ' klara';
    bar.max = vis.length || 1; bar.value = done;
    vis.forEach(function (li) { mark(li, li.getAttribute('data-due')); });
  }

  // ---- the self-service planner (municipality checklist page)
  var form = document.getElementById('planerare');
  if (form) {
    form.hidden = false;
    var params = new URLSearchParams(location.search);
    var start = params.get('start') || '';
    var services = [];
    params.getAll('tjanster').forEach(function (v) { v.split(',').forEach(function (s) { if (s) { services.push(s); } }); });
    services.sort();
    var startInput = form.querySelector('#start');
    startInput.value = start;
    Array.prototype.forEach.call(form.querySelectorAll('input[name=tjanster]'), function (c) { c.checked = services.indexOf(c.value) >= 0; });
    if (parseDate(start)) {
      storageKey += ':' + start + ':' + services.join(',');
      var p = plan(start, services);
      var shown = 0;
      steps.forEach(function (li) {
        var id = li.getAttribute('data-step');
        li.hidden = !p.applies[id];
        if (!li.hidden) { shown += 1; }
        var span = li.querySelector('.due');
        if (p.due[id]) {
          li.setAttribute('data-due', p.due[id]);
          if (span) {
            span.textContent = ' – ';
            var t = document.createElement('time');
            t.setAttribute('datetime', p.due[id]);
            t.textContent = label(parseDate(p.due[id]));
            span.appendChild(t);
          }
        }
      });
      document.getElementById('planerare-status').textContent = 'Plan för driftstart ' + label(parseDate(start)) + ': ' + shown + ' steg.';
    }
  }

  // ---- export, import, reset
  exportBtn.addEventListener('click', function () {
    var data = JSON.stringify({ lovportal: 1, list: listId, key: storageKey, done: load() }, null, 2);
    var a = document.createElement('a');
    a.href = 'data:application/json;charset=utf-8,' + encodeURIComponent(data);
    a.download = 'checklista-' + listId + '.json';
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
  });
  importInput.addEventListener('change', function () {
    var f = importInput.files && importInput.files[0];
    if (!f) { return; }
    var r = new FileReader();
    r.onload = function () { importText(String(r.result)); };
    r.readAsText(f);
  });
  function importText(text) {
    try {
      var data = JSON.parse(text);
      if (!data || data.list !== listId || !Array.isArray(data.done)) { throw new Error('fel lista'); }
      save(data.done.filter(function (id) { return boxes[id]; }).sort());
      restore(); render();
      progressText.textContent += ' (inläst från fil)';
    } catch (e) {
      progressText.textContent = 'Filen kunde inte läsas in: den hör inte till den här checklistan.';
    }
  }
  resetBtn.addEventListener('click', function () {
    try { localStorage.removeItem(storageKey); } catch (e) { /* storage off */ }
    restore(); render();
  });

  restore(); render();
  window.lovportal = window.lovportal || {};
  window.lovportal.checklist = { plan: plan, importText: importText, storageKey: function () { return storageKey; } };
}());
