// The live "deal changed" feed: server-sent events from /profile/live (the Pitchly subscription stays on the server).

const list = document.getElementById("live-feed");
const status = document.getElementById("live-status");

if (list && status && "EventSource" in window) {
  const source = new EventSource("/profile/live");
  const line = (text) => {
    const item = document.createElement("li");
    item.textContent = text;
    list.prepend(item);
    while (list.children.length > 10) list.lastElementChild.remove();
  };
  source.addEventListener("ready", () => (status.textContent = "Live: watching your deals."));
  source.addEventListener("change", (e) => {
    const { kind, ids, at } = JSON.parse(e.data);
    line(`${new Date(at).toTimeString().slice(0, 8)} · ${kind} of ${ids.length} deal${ids.length === 1 ? "" : "s"}`);
  });
  for (const name of ["ended", "unavailable"]) {
    source.addEventListener(name, (e) => {
      status.textContent = JSON.parse(e.data).message;
      source.close();
    });
  }
}
