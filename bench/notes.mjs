// Hand-written findings that RESULTS.md carries next to the generated figures (profiles, misses, causes).

const HOT_PATH_CAUSE =
  'what is left is express-pitchly\'s per-request work for a fresh session-held token (in process ≈ 2–4 µs in the runs of issue 17, most of it the one property `req.pitchly` adds to a request object Express gave a map of its own; see "Where the last µs went" above). Over HTTP the ratio moves by ±0.1 between runs on this machine';

export const NOTES = {
  ratio: HOT_PATH_CAUSE,
  ratioVsPassport:
    "within this machine's noise: the in-process table (same apps, interleaved per request) is the steadier comparison; see Profile notes for where express-pitchly's time goes",
  storm:
    "a storm does the floor's work plus one refresh: every waiter is answered at once when the shared refresh resolves (earlier profiles put the extra in `writev` and GC); only the rotating request writes the session",
  login:
    "profiled (a login cycle under --cpu-prof, ours vs passport-oauth2, 3,000 logins each): server CPU per login within ≈ 3% of each other, ours spending more in the undici token call, zod validation and one more randomBytes, passport more in its own middleware and Node's http client; Express's negotiated res.redirect body was one measurable difference and is gone (bare 302s since). A cycle is mostly load-generator and local-Pitchly work on 2 shared cores, so this ratio sits at 1.0 ± this machine's noise",
  loginCpu:
    "within this machine's noise of 1.0 in this run: see the per-round ratios and the paired figure above, and \"Where a sign-in's time went\" below for what each step costs",
  loginCpuProfile: `### Where a sign-in's time went (issue 16)

How this was measured: \`node bench/profile.mjs login-in-process 1500\` (each app alone in a child under
\`--cpu-prof\`, per-sign-in self-time diffs against passport and against the bare floor), then an A/B run of the
phase above with the build before the fix loaded as a fourth app in the same process (bare, before, after,
passport interleaved sign-in by sign-in, 8 rounds × 150 each), the per-step pass interleaving both builds.
Two such runs, CPU per sign-in (GC-free medians):

| | run 1 | run 2 |
|---|---|---|
| bare floor | 898 µs | 689 µs |
| express-pitchly before | 1116 µs | 886 µs |
| express-pitchly after | 1029 µs | 817 µs |
| passport + passport-oauth2 | 1230 µs | 946 µs |
| passport ÷ ours, before → after | 1.102 → 1.195 | 1.068 → 1.158 |

Per step (run 2's per-step pass; the wrappers add their own cost, and step medians need not add up):

| step | before µs | after µs |
|---|---|---|
| login route | 332 | 305 |
| login: session save | 44 | 41 |
| callback, whole | 858 | 812 |
| callback: state check (find the pending login, claim the state) | 35 | 33 |
| callback: code exchange (undici request, body, token answer) | 337 | 299 |
| callback: code exchange, of which the token answer's parsing (JSON, zod, strict checks) | 44 | 43 |
| callback: session renew (regenerate, carry the app's data) | 50 | 50 |
| callback: session save (ours) | 31 | 29 |
| callback: rest (routing, express-session's load and end-of-request work, sign-in record, redirect) | 397 | 391 |

What was there and did not need to be:

- **A second write of the signed-in session.** After \`session.regenerate()\` express-session never counts the
  session as saved (its id changed), so it wrote it again at the end of the callback, after our own save:
  two store writes per sign-in (passport-oauth2 has the same two). Our save stays (an error page, and nobody
  signed in, when it fails); the repeat is dropped in the write guard while the grant field is the one we
  saved (src/session/session-tokens.ts \`saveSignedIn\` / \`filter\`). One write per sign-in now, which on a
  networked store is also one round trip less.
- **An AbortSignal per token request** (\`AbortSignal.timeout\`): building the transferable signal and its
  listener cost ≈ 20–30 µs, and its timer stayed armed for the full \`httpTimeoutMs\` after the answer, one per
  sign-in of a burst. The whole-exchange deadline is now a small EventEmitter signal (which undici accepts)
  whose timer is cleared when the exchange ends (src/pitchly/http-client.ts).
- **undici parsing the token URL on every request**: \`request(url)\` re-parses it; the agent's own
  \`request({ origin, path })\` is called with the URL split once.
- **The authorize URL rebuilt with \`URL\`/\`searchParams\` per login** (every \`set\` re-serialises the query):
  the fixed part is serialised once at setup, the per-login state and PKCE challenge (base64url) appended.
- **A Hash object per sha256** (state comparison, state claim, PKCE challenge): one-shot \`crypto.hash\`.

Checked and left as they are: the regenerate-and-carry at the callback (the fixation defence; the copy of
the app's keys is a few µs, the regenerate itself is express-session's); zod on the token answer (its safeParse is ≈ 0.4 µs
of the ≈ 2.5 µs the whole answer check takes in a warm loop: not worth losing its strictness); the constant-time compare over the pending
states (at most 5 entries, ≈ 1 µs each with one-shot hashing); logger children (created once at setup, none
per request; debug/info calls are no-ops at the default level). What remains above the bare floor is mostly
undici's request machinery vs. node:http, the bookkeeping that keeps a replayed state or a sibling tab's
sign-in out (SpentStates, the sign-in record), the pending-login list in the session, and the extra headers
(\`Cache-Control\`, \`Referrer-Policy\`).

A caveat on the figures: \`process.cpuUsage()\` is the whole process, and V8's background threads keep
working while a callback waits for the token endpoint (a 5 ms slower token endpoint adds ≈ 350 µs to every
app's window here). That lands on all three apps alike, so it dilutes the ratio towards 1 rather than tilting it.
`,
  memory: "pending state is not bounded: profile the memory child with --heap-prof",
  inProcessOverhead:
    'see "Where the last µs went" under the in-process table: the rest is Express\'s cost of adding `req.pitchly` to a request object',
  inProcessProfile: `### Where the last µs went (issue 17)

How this was measured: one-off runs of the method above (one child, fake sockets, apps interleaved request by
request, 4–5 children per figure) with the app cut into variants, then \`--cpu-prof\` with line ticks on the
slowest frames. Per request, over the limit app (a):

| variant | µs over (a) |
|---|---|
| (a) + \`app.use(router)\`, Express's dispatch (no route matches \`/api/ping\`), before the shortcut | 4.2 – 6.0 |
| (a) + an empty \`express.Router()\` (an exhausted stack ends in a \`setImmediate\`) | 7.7 – 9.7 |
| (a) + \`app.use(router)\` with src/http/dispatch-shortcut.ts | −1.3 – 0.0 |
| (a) + a no-op handler in front of \`ping\` | 0.1 – 3.9 |
| (a) + a handler that only sets \`req.pitchly = {}\` | 1.0 – 4.6 |
| (a) + \`requirePitchlyToken()\` | 2.5 – 6.0 |
| (b) as benched: \`app.use(router)\` and \`requirePitchlyToken()\` | 2.3 – 5.4 |

- **The Router's dispatch** ran for every request of the app. The shortcut (docs/architecture.md) lets a request
  that none of the three routes can match pass without it; a test pins it to Express 4's and 5's own matching.
  It reads \`req.url\`, not the \`req.path\` getter: on such a request object (below) the getter's lookup
  through the prototype chain alone cost ≈ 1 µs in the line ticks.
- **\`req.pitchly = …\` is the largest part that is left**, and it is Express's: \`app.handle\` calls
  \`Object.setPrototypeOf(req, app.request)\` on every request, which leaves each request object with a map no
  other request shares, so every property a middleware adds builds a new map (timed inside the app: 2.9–4.4 µs
  for that one assignment; in a bare script, the same assignment costs 60 ns without the \`setPrototypeOf\` and
  1355 ns with it). express-session pays the same for \`req.session\`, passport for \`req.user\`. Defining
  \`pitchly\` on the app's request prototype would avoid it, but means changing the app's objects behind its back:
  not done.
- **The middleware's own steps** (guarding the store, reading the grant, the freshness check, the client
  object) take 0.14 µs per call in a warm loop over plain objects, ≈ 1–2 µs in the app, where every first read of
  a property of such a request object misses V8's caches; the hot path reads two (\`req.sessionStore\`,
  \`req.session\`), once each. The bounded maps behind the stale-save guard read the clock (≈ 80 ns here) only
  for a key they hold, which on this path is never.
`,

  sessionWrites: `**Session writes during a storm.** Only the request that performed the refresh writes the
session (\`SessionBackend.persist\`, src/grant-backend.ts); the requests that waited on it change nothing,
so express-session leaves their sessions unwritten. A stale request that does change its session is saved
with the newest pair (its \`save\` is guarded). An earlier version serialised every waiter's session with the
new pair and wrote the session once per waiting request (≈ 1,000 writes per storm).`,

  profile: `## Profile notes (hot path)

These notes describe the profile that made \`hotPath.ratio\` miss (0.925) before the fix below. They are historical: they name files of the previous layout (\`src/router.ts\`, \`src/require-token.ts\`, the rotation registry), which the session-store guard (\`src/session/\`) has replaced; rerun \`node bench/profile.mjs\` for today's frames.
\`node bench/profile.mjs limit,pitchly 40000\` runs (a) and (b) under \`--cpu-prof\` for the same number
of requests and prints the per-request self-time difference. On this machine, (b) − (a) per request:

| frame | µs/request |
|---|---|
| (garbage collector) | +11.1 |
| \`requirePitchlyTokenMiddleware\` dist/require-token.js (src/require-token.ts, the returned async middleware), self | +7.6 |
| \`handle\` / \`next\` router/index.js:150/189 (entering express-pitchly's Router on every request) | +7.4 |
| \`runMicrotasks\` | +2.3 |
| \`pitchlySessionGuard\` (src/router.ts), \`RotationRegistry.newest\` / \`current\`, \`requireSession\` | +1.5 |

One-off variant runs with the method of \`bench/servers/in-process.cjs\` (one process, fake sockets,
variants interleaved per request, the app cut down step by step from the package's built internals) split
the in-process b − a of ≈ 16–21 µs into:

1. **The guard lives inside the Router** (src/router.ts, \`router.use(pitchlySessionGuard)\`): every request
   of the app, Pitchly-related or not, enters a sub-router (Router.handle's per-request closures, then the
   login/callback/logout layers' path matches): ≈ 7–9 µs here. Entering even an empty \`express.Router()\`
   costs ≈ 8 µs; the same guard as a plain function ≈ 1 µs.
2. **\`requirePitchlyToken()\` is async for a token already in memory** (src/require-token.ts: \`async\`
   middleware, \`await backend.read()\` where \`SessionBackend.read\` is itself async in
   src/grant-backend.ts): two promises plus the router's \`.then\`, a microtask hop, and a SessionBackend and
   a GrantClient per request: ≈ 8–10 µs here, most of it the async machinery (a synchronous version of the
   same steps costs ≈ 3 µs).

The fix, now in the package (in process b − a went from +16–21 µs to ≈ +5–9 µs; the first run after it
measured b/a 1.031 over HTTP and 0.971 in process):

- src/router.ts: keep \`router\` an \`express.Router\`, but wrap its \`handle\` so a request whose path is
  not one of \`routes.login / callback / logout\` (compared the way the Router does: case-insensitive,
  trailing slash ignored) runs the guard and calls \`next()\` without entering the Router.
- src/require-token.ts: a synchronous fast path ahead of today's async one: with no \`tokenStore\`, when
  \`sessionGrant(session).tokens\` is valid beyond the leeway, set \`req.pitchly\` and call \`next()\`
  directly (return nothing, so the router adds no promise handling); everything else takes the async path.
`,
};
