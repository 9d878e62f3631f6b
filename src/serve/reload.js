/* lovportal serve: live reload. Served only by `lovportal serve` and added to pages as
 * they are sent, never written by `build`. Listens to the server's event stream; after a
 * good rebuild the tab reloads itself, while a rebuild fails it shows the errors in an
 * overlay (built with textContent: the messages are text, never HTML). */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !window.EventSource) { return; }
  var base = me.getAttribute('data-base') || '/';
  var site = me.getAttribute('data-site');
  var shown = null;

  function hide() {
    var old = document.getElementById('lovportal-fel');
    if (old) { old.parentNode.removeChild(old); }
    shown = null;
  }

  function show(errors) {
    var key = JSON.stringify(errors);
    if (key === shown) { return; }
    hide();
    shown = key;
    var outer = document.createElement('div');
    outer.id = 'lovportal-fel';
    outer.setAttribute('role', 'alert');
    var box = document.createElement('div');
    box.className = 'lovportal-fel-ruta';
    var h = document.createElement('h2');
    h.textContent = 'Portalen kunde inte byggas om';
    var p = document.createElement('p');
    p.textContent = 'Du ser den senaste versionen som gick att bygga. Rätta felet och spara, så försvinner rutan.';
    box.appendChild(h);
    box.appendChild(p);
    errors.forEach(function (e) {
      var pre = document.createElement('pre');
      pre.className = 'lovportal-fel-text';
      pre.textContent = e;
      box.appendChild(pre);
    });
    outer.appendChild(box);
    document.body.appendChild(outer);
  }

  var source = new EventSource(base + '__lovportal/events');
  source.addEventListener('state', function (ev) {
    var state;
    try { state = JSON.parse(ev.data); } catch (e) { return; }
    if (state.errors && state.errors.length) {
      show(state.errors);
    } else if (String(state.site) !== site) {
      source.close();
      window.location.reload();
    } else {
      hide();
    }
  });
}());
