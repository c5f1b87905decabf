// Live countdown: keeps every [data-expires-at] element (ms epoch) showing the time left, e.g. "1h 59m 58s".
(function () {
  "use strict";
  function remaining(ms) {
    var total = Math.max(0, Math.floor(ms / 1000));
    if (total === 0) return "expired";
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    return h > 0 ? h + "h " + m + "m " + s + "s" : m > 0 ? m + "m " + s + "s" : s + "s";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-expires-at]").forEach(function (el) {
      var at = Number(el.getAttribute("data-expires-at"));
      if (at > 0) el.textContent = remaining(at - now);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
