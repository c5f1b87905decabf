// The plugin panel's script: Pitchly's handshake through express-pitchly/browser, then the record behind the selected cell.
import { connectPitchlyPlugin } from "/assets/pitchly-browser/index.js";

const SIGN_IN_URL = "/auth/pitchly/login?returnTo=%2Fplugin";
const body = document.body;
const tableText = document.getElementById("record-table");
const titleText = document.getElementById("record-title");
const values = document.getElementById("record-values");
const record = document.getElementById("record");
const token = document.getElementById("token");

function field(name) {
  return token.querySelector(`[data-field="${name}"]`);
}

function showPanel(panel) {
  field("refreshes").textContent = String(panel.refreshes);
  field("status").textContent = panel.status;
}

function showRecord(answer) {
  values.replaceChildren();
  if (!answer) {
    tableText.textContent = "Not found";
    titleText.textContent = "This record is not visible to you";
    return;
  }
  tableText.textContent = answer.table;
  titleText.textContent = String(answer.values[0]?.value ?? answer.recordId);
  for (const { field: name, value } of answer.values) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value === null ? "—" : String(value);
    values.append(dt, dd);
  }
  record.dataset.recordId = answer.recordId;
}

let wanted = "";
async function load(tableId, recordId) {
  const key = `${tableId}/${recordId}`;
  if (key === wanted) return;
  wanted = key;
  const query = new URLSearchParams({ table: tableId, record: recordId });
  const res = await fetch(`/plugin/record?${query}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (res.status === 401) return location.assign(SIGN_IN_URL);
  const answer = await res.json().catch(() => ({}));
  // A later selection already asked for another record: this answer is stale.
  if (key !== wanted) return;
  if (answer.panel) showPanel(answer.panel);
  showRecord(answer.record ?? null);
}

// Pitchly sends `table` then `activeCell` when the person switches tables: wait for the pair to settle.
let timer;
function selectionChanged(state) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (state.table && state.activeCell) void load(state.table.tableId, state.activeCell.recordId);
  }, 40);
}

// Pitchly looks at the workspace as someone else than this session: sign out, then in again, as Pitchly's plugins do.
async function signInAgain() {
  await fetch("/auth/pitchly/logout", { method: "POST", credentials: "same-origin", redirect: "manual" });
  location.assign(SIGN_IN_URL);
}

const plugin = connectPitchlyPlugin({
  platformOrigin: body.dataset.platformOrigin,
  signedInPersonId: body.dataset.personId || null,
  onChange({ type, state }) {
    if (type === "table" || type === "activeCell") selectionChanged(state);
  },
  onPersonMismatch() {
    body.dataset.mismatch = "true";
    void signInAgain();
  },
});
body.dataset.framed = String(plugin.framed);

document.getElementById("expire")?.addEventListener("click", async (event) => {
  event.target.disabled = true;
  const res = await fetch("/profile/expire", {
    method: "POST",
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  const answer = await res.json().catch(() => ({}));
  if (answer.panel) showPanel(answer.panel);
  // The next record this panel loads makes the API call that meets the expired token.
  wanted = "";
  event.target.disabled = false;
});
