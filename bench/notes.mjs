// Hand-written findings that RESULTS.md carries next to the generated figures (profiles, misses, causes).

const HOT_PATH_CAUSE =
  "what is left is express-pitchly's per-request work for a fresh session-held token (≈ 5–8 µs in process: wrapping the session's grant record and guarding its save, a backend and a client object for req.pitchly); the Router detour and the async path that made the first run miss are gone (see Profile notes). Over HTTP the ratio moves by ±0.1 between runs on this machine";

export const NOTES = {
  ratio: HOT_PATH_CAUSE,
  ratioVsPassport:
    "within this machine's noise: the in-process table (same apps, interleaved per request) is the steadier comparison; see Profile notes for where express-pitchly's time goes",
  storm:
    "a storm does the floor's work plus one refresh: every waiter is answered at once when the shared refresh resolves (earlier profiles put the extra in `writev` and GC); only the rotating request writes the session",
  login:
    "profiled (a login cycle under --cpu-prof, ours vs passport-oauth2, 3,000 logins each): server CPU per login within ≈ 3% of each other, ours spending more in the undici token call, zod validation and one more randomBytes, passport more in its own middleware and Node's http client; Express's negotiated res.redirect body was one measurable difference and is gone (bare 302s since). A cycle is mostly load-generator and local-Pitchly work on 2 shared cores, so this ratio sits at 1.0 ± this machine's noise",
  memory: "pending state is not bounded: profile the memory child with --heap-prof",

  sessionWrites: `**Session writes during a storm.** Only the request that performed the refresh writes the
session (\`SessionBackend.persist\`, src/grant-backend.ts); the requests that waited on it change nothing,
so express-session leaves their sessions unwritten. A stale request that does change its session is saved
with the newest pair (its \`save\` is guarded). An earlier version serialised every waiter's session with the
new pair and wrote the session once per waiting request (≈ 1,000 writes per storm).`,

  profile: `## Profile notes (hot path)

These notes describe the profile that made \`hotPath.ratio\` miss (0.925) before the fix below.
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
