// Profile page buttons without a page reload: posts the form with fetch() and updates the token panel in place.

const panel = document.getElementById("token");
const result = document.getElementById("api-result");

function field(name) {
  return panel.querySelector(`[data-field="${name}"]`);
}

function time(ms) {
  return new Date(ms).toTimeString().slice(0, 8);
}

function showPanel(view) {
  field("expires-in").setAttribute("data-expires-at", String(view.expiresAt));
  field("refreshes").textContent = String(view.refreshes);
  field("last-refresh").textContent = view.lastRefreshAt === null ? "not yet" : time(view.lastRefreshAt);
  const status = field("status");
  status.textContent = view.status;
  status.classList.toggle("status-warn", view.expiredAtPitchly);
  status.classList.toggle("status-ok", !view.expiredAtPitchly);
}

function say(text, kind) {
  result.textContent = text;
  result.classList.toggle("api-result-error", kind === "error");
  result.classList.remove("flash");
  void result.offsetWidth; // restart the highlight animation
  result.classList.add("flash");
}

async function submit(form) {
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const res = await fetch(form.action, { method: "POST", headers: { Accept: "application/json" }, credentials: "same-origin" });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) {
      say("Your session has ended: sign in again from the home page.", "error");
    } else if (!res.ok) {
      say(body.message || `The request failed (${res.status}).`, "error");
    } else {
      showPanel(body.panel);
      say(body.message, "ok");
    }
  } catch {
    say("DealDesk could not be reached.", "error");
  } finally {
    button.disabled = false;
  }
}

if (panel && result) {
  for (const form of panel.querySelectorAll("form[data-enhance]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void submit(form);
    });
  }
}
