/* tid.js: support-hour status and maintenance windows, in Europe/Stockholm time
 * whatever the visitor's own time zone. The data is written by the generator
 * (calendar::status::hours_json / maintenance_json), so the holiday rule lives in one
 * place only. The wording matches calendar::hours::status_text. Plain ES2017. */
(function () {
  'use strict';
  var DAY_MS = 86400000;
  var HORIZON_DAYS = 30; /* same as calendar::hours::HORIZON_DAYS */
  var WEEKDAYS = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'];
  var MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti',
    'september', 'oktober', 'november', 'december'];
  var formatter = null;

  /* Local date and minute of day in Stockholm for an instant. */
  function stockholm(ms) {
    formatter = formatter || new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', hourCycle: 'h23'
    });
    var p = {};
    formatter.formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
    return {
      day: Math.round(Date.UTC(+p.year, +p.month - 1, +p.day) / DAY_MS),
      minute: (+p.hour % 24) * 60 + +p.minute
    };
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /* A day number (days since 1970-01-01) as a civil date. */
  function civil(day) {
    var d = new Date(day * DAY_MS);
    return {
      key: d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()),
      isoWeekday: (d.getUTCDay() + 6) % 7 + 1,
      text: WEEKDAYS[(d.getUTCDay() + 6) % 7] + ' ' + d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()]
    };
  }

  /* Minutes counted from today's local midnight. */
  function hhmm(abs) { var m = abs % 1440; return pad(Math.floor(m / 60)) + '.' + pad(m % 60); }

  function dayPhrase(today, abs) {
    var off = Math.floor(abs / 1440);
    return off === 0 ? 'i dag' : off === 1 ? 'i morgon' : civil(today + off).text;
  }

  function hoursStatus(data, nowMs) {
    if (typeof data === 'string') data = JSON.parse(data);
    var now = stockholm(nowMs);
    var closed = data.closed || {};
    var list = [];
    for (var off = 0; off <= HORIZON_DAYS; off++) {
      var c = civil(now.day + off);
      if (!data.openOnHolidays && Object.prototype.hasOwnProperty.call(closed, c.key)) continue;
      (data.weekly || []).forEach(function (e) {
        if (e.days.indexOf(c.isoWeekday) >= 0 && e.end > e.start) {
          list.push([off * 1440 + e.start, off * 1440 + e.end]);
        }
      });
    }
    list.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    list.forEach(function (iv) {
      var last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push(iv.slice());
    });
    for (var i = 0; i < merged.length; i++) {
      var s = merged[i][0], e = merged[i][1];
      if (s <= now.minute && now.minute < e) {
        if (e < 1440) return 'Öppet nu, stänger ' + hhmm(e);
        if (e === 1440) return 'Öppet nu, stänger 24.00';
        return 'Öppet nu, stänger ' + dayPhrase(now.day, e) + ' kl. ' + hhmm(e);
      }
      if (s > now.minute) return 'Stängt – öppnar ' + dayPhrase(now.day, s) + ' kl. ' + hhmm(s);
    }
    return 'Stängt';
  }

  /* Indexes of the window in progress and of the next one to start. */
  function maintenanceStatus(list, nowMs) {
    if (typeof list === 'string') list = JSON.parse(list);
    var result = { current: null, next: null };
    (list || []).forEach(function (w, i) {
      var s = Date.parse(w.start), e = Date.parse(w.end);
      if (result.current === null && s <= nowMs && nowMs < e) result.current = i;
      else if (result.next === null && s > nowMs) result.next = i;
    });
    return result;
  }

  /* Sets the text of the `cls` label inside `item`, creating it when needed; an empty
   * text leaves an existing label empty (hidden by the stylesheet). */
  function label(item, cls, text) {
    var el = item.querySelector('.' + cls);
    if (!el && text) {
      el = document.createElement('strong');
      el.className = cls;
      item.appendChild(document.createTextNode(' '));
      item.appendChild(el);
    }
    if (el) el.textContent = text;
  }

  /* Updates every status line and maintenance list on the page for `nowMs` (default:
   * the visitor's clock). */
  function render(nowMs) {
    var now = typeof nowMs === 'number' ? nowMs : Date.now();
    var each = function (sel, f) { Array.prototype.forEach.call(document.querySelectorAll(sel), f); };
    each('[data-lp-hours]', function (el) {
      var text;
      try { text = hoursStatus(el.getAttribute('data-lp-hours'), now); } catch (err) { return; /* keep the static text */ }
      el.textContent = text;
      var open = text.indexOf('Öppet') === 0;
      el.classList.toggle('lp-open', open);
      el.classList.toggle('lp-closed', !open);
    });
    each('[data-lp-maintenance]', function (el) {
      var st;
      try { st = maintenanceStatus(el.getAttribute('data-lp-maintenance'), now); } catch (err) { return; }
      var items = el.querySelectorAll('[data-lp-occurrence]');
      if (!items.length) items = el.children;
      /* The list is in time order: everything before the current or next window is over. */
      var firstLive = st.current !== null ? st.current : st.next !== null ? st.next : items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.classList.toggle('lp-current', i === st.current);
        item.classList.toggle('lp-next', i === st.next);
        item.classList.toggle('lp-past', i < firstLive);
        label(item, 'lp-now', i === st.current ? 'Pågår nu' : '');
        label(item, 'next-label', i === st.next ? 'Nästa' : '');
        label(item, 'lp-past-label', i < firstLive ? '(har varit)' : '');
      });
    });
  }

  var lp = window.lovportal = window.lovportal || {};
  lp.hoursStatus = hoursStatus;
  lp.maintenanceStatus = maintenanceStatus;
  lp.render = render;

  if (typeof document !== 'undefined' && document.querySelectorAll) {
    var tick = function () { render(); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', tick);
    else tick();
    /* Refresh at each minute boundary. */
    setTimeout(function () { tick(); setInterval(tick, 60000); }, 60000 - Date.now() % 60000 + 100);
  }
})();
