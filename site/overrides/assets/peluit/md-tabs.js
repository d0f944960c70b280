/* mkdocs-material 9.8.2's inline linked-tabs restore, moved to a file (CSP script-src 'self'). */
(function () {
  "use strict";
  var tabs = window.__md_get("__tabs");
  if (!Array.isArray(tabs)) return;
  document.querySelectorAll(".tabbed-set").forEach(function (set) {
    var labels = set.querySelector(".tabbed-labels");
    if (!labels) return;
    for (var i = 0; i < tabs.length; i++) {
      var found = Array.prototype.find.call(labels.getElementsByTagName("label"), function (label) {
        return label.innerText.trim() === tabs[i];
      });
      if (found) {
        document.getElementById(found.htmlFor).checked = true;
        return;
      }
    }
  });
})();
