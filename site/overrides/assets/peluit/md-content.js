/* mkdocs-material 9.8.2's inline code that opens the tab a URL fragment points to, moved to a
   file (CSP script-src 'self'). */
(function () {
  "use strict";
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
})();
