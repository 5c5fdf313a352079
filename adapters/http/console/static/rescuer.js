/* The rescuer's page (issue 17): every tap is queued on the phone (localStorage) with its tap
   time and an idempotency key, then sent in order; offline taps wait for the network. */
(function () {
  "use strict";
  var body = document.body;
  var link = body && body.dataset.link;
  if (!link) { return; }
  var KEY = "rescuer-queue:" + link;
  var ERROR = "rescuer-error:" + link;  // a refusal's reason, shown after the page reloads
  var busy = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function showQueue() {
    var queue = load();
    document.getElementById("queue").hidden = queue.length === 0;
    queue.forEach(function (item) {
      var form = document.querySelector("form[data-action=" + item.action + "]");
      if (form) { markPending(form); }
    });
  }
  function markPending(form) {
    var button = form.querySelector("button");
    if (button) { button.hidden = true; }
    form.querySelector(".pending").hidden = false;
  }
  function showError(text) {
    var box = document.getElementById("error");
    box.textContent = text;
    box.hidden = false;
  }

  function flush() {
    showQueue();
    if (busy) { return; }
    var queue = load();
    if (!queue.length) { return; }
    var item = queue[0];
    if (item.locating) { return; }  // its position is coming: nothing overtakes it
    busy = true;
    fetch("/r/" + link + "/" + item.action, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(item.data),
      // The phone's clock at sending: the server moves the tap time by this clock's drift.
      headers: {"content-type": "application/json", "idempotency-key": item.key,
                "x-phone-clock": new Date().toISOString()}
    }).then(function (response) {
      // 409 with Retry-After: this very tap is still being recorded (an answer lost on a
      // weak network); keep it and ask again, the server replays the first answer.
      if (response.status >= 500 || response.status === 429 ||
          (response.status === 409 && response.headers.get("retry-after"))) {
        throw new Error("retry later");
      }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        save(load().filter(function (other) { return other.key !== item.key; }));
        if (!response.ok) {  // refused: say why, on the page as it now stands (who did it)
          sessionStorage.setItem(ERROR, answer.detail || answer.title || "HTTP " + response.status);
        }
        busy = false;
        if (load().length) { flush(); } else { window.location.replace("/r/" + link); }
      });
    }).catch(function () { busy = false; showQueue(); });
  }

  function tap(event) {
    event.preventDefault();
    var form = event.currentTarget;
    var data = {};
    new FormData(form).forEach(function (value, name) { data[name] = value; });
    if (data.released_count !== undefined && data.released_count !== "") {
      data.released_count = Number(data.released_count);
    }
    data.at = new Date().toISOString();  // the tap time is the business time
    var item = {action: form.dataset.action, data: data, key: newKey()};
    // Queued at once, in tap order; an arrival waits in place for the phone's position.
    item.locating = item.action === "arrive" && !body.dataset.scanned && !!navigator.geolocation;
    var queue = load();
    queue.push(item);
    save(queue);
    markPending(form);
    if (item.locating) {
      navigator.geolocation.getCurrentPosition(function (where) {
        located(item.key, {lat: where.coords.latitude, lng: where.coords.longitude,
                           accuracy: where.coords.accuracy});
      }, function () { located(item.key, null); },
      {timeout: 8000, maximumAge: 60000, enableHighAccuracy: true});
    }
    flush();
  }

  function located(key, position) {
    save(load().map(function (item) {
      if (item.key === key) {
        delete item.locating;
        if (position) { item.data.position = position; }
      }
      return item;
    }));
    flush();
  }

  function tick() {
    document.querySelectorAll(".since").forEach(function (el) {
      var since = Date.parse(el.dataset.since);
      el.textContent = String(Math.max(0, Math.floor((Date.now() - since) / 60000)));
    });
  }

  if (sessionStorage.getItem(ERROR)) {
    showError(sessionStorage.getItem(ERROR));
    sessionStorage.removeItem(ERROR);
  }
  document.querySelectorAll("form[data-action]").forEach(function (form) {
    form.addEventListener("submit", tap);
  });
  // A page reloaded while locating: that arrival goes without a position (never stuck).
  save(load().map(function (item) { delete item.locating; return item; }));
  // Opened from the lift's QR label (the scan's redirect): the scan is the arrival, recorded
  // as a tap now (kept and resent like any tap); a later visit shows the button again.
  var arrive = document.querySelector("form[data-action=arrive]");
  if (/[?&]scanned=1\b/.test(window.location.search) && body.dataset.scanned && arrive &&
      !load().some(function (item) { return item.action === "arrive"; })) {
    arrive.dispatchEvent(new Event("submit", {cancelable: true}));  // older Safari: no requestSubmit
  }
  window.addEventListener("online", flush);
  setInterval(flush, 4000);
  setInterval(tick, 30000);
  tick();
  flush();
}());
