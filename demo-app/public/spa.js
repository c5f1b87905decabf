// The demo SPA: signs in from the browser with express-pitchly/browser (implicit flow or PKCE) and calls Pitchly's GraphQL.
import {
  completeImplicitLogin,
  completePkceLogin,
  graphql,
  hasImplicitCallback,
  hasPkceCallback,
  refreshPkceToken,
  startImplicitLogin,
  startPkceLogin,
} from "/assets/pitchly-browser/index.js";

const root = document.getElementById("spa");
const $ = (id) => document.getElementById(id);

const FRIENDLY = {
  state_mismatch: "This answer does not belong to a sign-in started in this tab, so it was rejected.",
  state_missing: "This answer carries no state, so it was rejected.",
  access_denied: "You cancelled the sign-in at Pitchly.",
  login_required: "Pitchly no longer accepts the token: sign in again.",
  pitchly_unavailable: "Pitchly could not be reached. Try again in a moment.",
};

let token;
let refreshes = 0;

function showError(err) {
  const code = err && err.code ? err.code : "error";
  const box = $("spa-error");
  box.textContent = `${FRIENDLY[code] || "The sign-in failed."} (${code}: ${err && err.message ? err.message : String(err)})`;
  box.hidden = false;
}

function showSignedIn(on) {
  $("spa-signed-in").hidden = !on;
  $("spa-signed-out").hidden = on;
}

function showToken() {
  $("spa-expires").setAttribute("data-expires-at", String(token.expiresAt));
  $("spa-refresh-kind").textContent = token.refreshToken ? "yes, rotating" : "none";
  $("spa-refreshes").textContent = String(refreshes);
  $("spa-refresh").hidden = !token.refreshToken;
}

function forget() {
  token = undefined;
  refreshes = 0;
  showSignedIn(false);
}

async function signedIn(newToken, flow) {
  token = newToken;
  const cfg = root.dataset;
  const options = { graphqlUrl: cfg.graphqlUrl, onTokenInvalid: forget };
  if (cfg.platform === "platform") {
    // pitchly-queries: platform
    const data = await graphql(token, "query Me { viewer { person { name email } } }", {}, options);
    $("spa-name").textContent = data.viewer.person.name;
    $("spa-email").textContent = data.viewer.person.email;
  } else {
    // pitchly-queries: v2 (no identity query on v2: the organization's databases show the token works)
    const query =
      "query Dbs($accessToken: String, $org: ID!) { databases(accessToken: $accessToken, organizationId: $org) { name } }";
    const data = await graphql(token, query, { org: cfg.organizationId }, options);
    $("spa-name").textContent = "Signed in to Pitchly v2";
    $("spa-email").textContent = `Databases: ${data.databases.map((db) => db.name).join(", ")}`;
  }
  $("spa-flow").textContent = flow;
  showToken();
  showSignedIn(true);
}

function loginOptions() {
  const cfg = root.dataset;
  return { clientId: cfg.clientId, redirectUri: cfg.redirectUri, authorizeUrl: cfg.authorizeUrl, tokenUrl: cfg.tokenUrl };
}

async function boot() {
  try {
    // Both complete*() calls scrub the address bar first, whatever the outcome.
    if (hasPkceCallback()) await signedIn(await completePkceLogin(loginOptions()), "PKCE");
    else if (hasImplicitCallback()) await signedIn(completeImplicitLogin(), "implicit flow");
  } catch (err) {
    showError(err);
  }
}

function on(id, handler) {
  const el = $(id);
  if (!el) return;
  el.addEventListener("click", () => {
    $("spa-error").hidden = true;
    Promise.resolve().then(handler).catch(showError);
  });
}

if (root) {
  on("spa-implicit", () => startImplicitLogin(loginOptions()));
  on("spa-pkce", () => startPkceLogin(loginOptions()));
  on("spa-forget", forget);
  on("spa-refresh", async () => {
    token = await refreshPkceToken(loginOptions(), token.refreshToken);
    refreshes += 1;
    showToken();
  });
  void boot();
}
