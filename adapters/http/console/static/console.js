// Ticks the "elapsed since notification" cells every second and colours them:
// amber from 20 minutes, red past the 30-minute on-site limit.
function tick() {
  const now = Date.now();
  document.querySelectorAll("[data-notified-at]").forEach((cell) => {
    const since = Date.parse(cell.dataset.notifiedAt);
    if (Number.isNaN(since)) return;
    const seconds = Math.max(0, Math.floor((now - since) / 1000));
    const m = Math.floor(seconds / 60), s = seconds % 60;
    cell.textContent = `${m}:${String(s).padStart(2, "0")}`;
    const row = cell.closest("tr");
    const limit = Number(cell.dataset.limitMinutes || 30);
    row.classList.toggle("red", seconds > limit * 60);
    row.classList.toggle("amber", seconds >= 20 * 60 && seconds <= limit * 60);
  });
}
setInterval(tick, 1000);
document.addEventListener("htmx:afterSwap", tick);
document.addEventListener("DOMContentLoaded", tick);

// "Select all" boxes (data-select-all="<field name>") tick every checkbox of that name.
// Here rather than in an onclick attribute: the Content-Security-Policy forbids inline script.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const form = box.form || document;
  form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)
    .forEach((c) => { c.checked = box.checked; });
});
