/* mkdocs-material 9.8.2's inline bootstrap, moved to a file so the site runs under
   Content-Security-Policy script-src 'self'. The scope comes from data-scope on this script. */
(function () {
  "use strict";
  var script = document.currentScript;
  var scope = (script && script.dataset.scope) || ".";
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (value) {
    return Array.from(value).reduce(function (hash, ch) {
      return (hash << 5) - hash + ch.charCodeAt(0);
    }, 0);
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    try {
      storage.setItem(base.pathname + "." + key, JSON.stringify(value));
    } catch (e) {
      /* storage full or disabled: the theme works without it */
    }
  };
})();
