// Refresh the live part of a late-collection alert every 5 seconds (the page works without it).
(function () {
  var box = document.getElementById("alert-live");
  if (!box || !window.fetch) { return; }
  setInterval(function () {
    fetch(box.dataset.liveUrl, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { box.innerHTML = html; } })
      .catch(function () {});
  }, 5000);
})();
