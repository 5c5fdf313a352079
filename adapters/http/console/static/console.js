// Clocks: every [data-since] shows m:ss since that instant (until [data-until] when set).
// Board rows are coloured from the maintenance side's notification ([data-notified-at]):
// amber from 20 minutes, red past the on-site limit; a row never notified to the
// maintenance side turns red [data-unnotified-minutes] after receipt, so it is never quiet.
function clock(seconds) {
  const m = Math.floor(seconds / 60), s = seconds % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

function secondsSince(iso, until) {
  const since = Date.parse(iso);
  if (Number.isNaN(since)) return null;
  const end = until ? Date.parse(until) : Date.now();
  return Math.max(0, Math.floor((end - since) / 1000));
}

function tick() {
  document.querySelectorAll("[data-since]").forEach((cell) => {
    const seconds = secondsSince(cell.dataset.since, cell.dataset.until);
    if (seconds !== null) cell.textContent = clock(seconds);
  });
  document.querySelectorAll("[data-notified-at]").forEach((cell) => {
    const seconds = secondsSince(cell.dataset.notifiedAt);
    if (seconds === null) return;
    cell.textContent = clock(seconds);
    const row = cell.closest("tr");
    const limit = Number(cell.dataset.limitMinutes || 30);
    row.classList.toggle("red", seconds > limit * 60);
    row.classList.toggle("amber", seconds >= 20 * 60 && seconds <= limit * 60);
  });
  document.querySelectorAll("tr[data-received-at]:not([data-maint-notified])").forEach((row) => {
    const seconds = secondsSince(row.dataset.receivedAt);
    const limit = Number(row.dataset.unnotifiedMinutes || 3);
    row.classList.remove("amber");
    row.classList.toggle("red", seconds !== null && seconds > limit * 60);
  });
}
setInterval(tick, 1000);
document.addEventListener("htmx:afterSwap", tick);
document.addEventListener("DOMContentLoaded", tick);

// A NEW alarm on the board: a sound (unless muted; remembered in localStorage) and, once the
// operator allowed it with a click, a desktop notification. data-played counts the plays.
const MUTED = "liftrescue.alarm-muted";
const seenTickets = new Set();

function boardTickets() {
  return Array.from(document.querySelectorAll("#board-rows tr[data-ticket]"));
}

function showMute() {
  const button = document.getElementById("mute");
  if (!button) return;
  const muted = localStorage.getItem(MUTED) === "1";
  button.setAttribute("aria-pressed", String(muted));
  button.textContent = muted ? "已静音 Muted" : "声音开 Sound on";
}

function soundAlarm(rows) {
  const audio = document.getElementById("alarm-sound");
  if (audio && localStorage.getItem(MUTED) !== "1") {
    audio.dataset.played = String(Number(audio.dataset.played || 0) + 1);
    audio.currentTime = 0;
    const playing = audio.play();
    if (playing) playing.catch(() => { /* the browser wants a click first: the row is red */ });
  }
  if ("Notification" in window && Notification.permission === "granted") {
    const numbers = rows.map((r) => r.querySelector(".ticket-no")?.textContent.trim()).join(", ");
    new Notification("新困人警情 New alarm", { body: numbers, tag: "liftrescue-board" });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  boardTickets().forEach((r) => seenTickets.add(r.dataset.ticket));
  showMute();
});
document.addEventListener("htmx:afterSwap", (event) => {
  if (!(event.target instanceof Element) || event.target.id !== "board-rows") return;
  const fresh = boardTickets().filter((r) => !seenTickets.has(r.dataset.ticket));
  fresh.forEach((r) => seenTickets.add(r.dataset.ticket));
  if (fresh.length) soundAlarm(fresh);
});
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (target?.id === "mute") {
    localStorage.setItem(MUTED, localStorage.getItem(MUTED) === "1" ? "0" : "1");
    showMute();
  } else if (target?.id === "notify-permission" && "Notification" in window) {
    Notification.requestPermission().then((answer) => {
      target.textContent = answer === "granted" ? "桌面通知已启用 Notifications on"
        : "桌面通知被拒绝 Notifications blocked";
    });
  } else if (target?.id === "print-sheet") {
    window.print();
  }
});

// "Select all" boxes (data-select-all="<field name>") tick every checkbox of that name.
// Here rather than in an onclick attribute: the Content-Security-Policy forbids inline script.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const form = box.form || document;
  form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)
    .forEach((c) => { c.checked = box.checked; });
});

// Sortable statistics tables (table[data-sortable], th[data-sort], td[data-value]): a click on
// a header sorts the rows by that column, again reverses; cells without a figure stay last.
// The header's link sorts on the server too (`?units_sort=`), for a page without script.
document.addEventListener("click", (event) => {
  const th = event.target instanceof Element ? event.target.closest("th[data-sort]") : null;
  const table = th?.closest("table[data-sortable]");
  if (!th || !table) return;
  event.preventDefault();
  const key = th.dataset.sort;
  const descending = th.getAttribute("aria-sort") === "ascending";
  const body = table.tBodies[0];
  const cell = (row) => row.querySelector(`td[data-col="${key}"]`)?.dataset.value ?? "";
  const rows = [...body.rows].filter((r) => !r.classList.contains("empty"));
  const numeric = rows.every((r) => cell(r) === "" || !Number.isNaN(Number(cell(r))));
  rows.sort((a, b) => {
    const x = cell(a), y = cell(b);
    if (x === "" || y === "") return (x === "") - (y === "");
    const order = numeric ? Number(x) - Number(y) : x.localeCompare(y, "zh-CN");
    return descending ? -order : order;
  });
  rows.forEach((r) => body.appendChild(r));
  table.querySelectorAll("th[data-sort]").forEach((h) => h.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", descending ? "descending" : "ascending");
});
