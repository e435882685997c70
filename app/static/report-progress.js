// Delivery report: update the progress bar without a full reload while a message is sending.
(function () {
  var box = document.getElementById("progress");
  if (!box || box.dataset.sending !== "yes" || !window.fetch) return;
  var set = function (id, value) { var el = document.getElementById(id); if (el) el.textContent = value; };
  var tick = function () {
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
      var bar = document.getElementById("progress-bar");
      bar.max = p.total || 1; bar.value = p.done; bar.textContent = p.percent + "%";
      set("progress-done", p.done); set("progress-total", p.total); set("count-sent", p.sent);
      set("count-failed", p.failed); set("count-suppressed", p.suppressed); set("count-pending", p.pending);
      set("message-status", p.status_label);
      if (p.status === "expanding" || p.status === "sending") setTimeout(tick, 3000);
    }).catch(function () { setTimeout(tick, 10000); });
  };
  setTimeout(tick, 3000);
})();
