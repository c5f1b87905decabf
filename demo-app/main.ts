// `npm run demo`: starts the local Pitchly (127.0.0.1:4010) and DealDesk (http://localhost:3000), and says what to click.
import { createDemoLogger } from "./logging";
import { startDemo, type RunningDemo } from "./start";

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a port: ${value}`);
  return n;
}

function instructions(demo: RunningDemo): string {
  const lines = demo.local
    ? [
        `  Local Pitchly   ${demo.pitchlyUrl}   (a stand-in for Pitchly: consent page, tokens, GraphQL)`,
        ...(demo.plugin ? [`  Plugin          ${demo.plugin.workspaceUrl}`] : []),
        `  DealDesk demo   ${demo.appUrl}`,
        "",
        `  1. Open ${demo.appUrl} and click "Sign in with Pitchly".`,
        `  2. On the local Pitchly's consent page click "Approve" (or "Deny" to see the cancelled page).`,
        `  3. On your profile click "Expire my token now", then "Call the API": the refresh count goes up.`,
        `  4. The single-page app version: ${demo.appUrl}/spa`,
        ...(demo.plugin
          ? [
              `  5. DealDesk as a Pitchly plugin, framed in the local Pitchly's workspace:`,
              `     ${demo.plugin.workspaceUrl}`,
              `     Sign in inside the panel, then click cells: the panel follows the selection.`,
            ]
          : []),
      ]
    : [
        `  Pitchly         ${demo.pitchlyUrl}   (the real one: PITCHLY_CLIENT_ID, _SECRET and _REDIRECT_URI are set)`,
        `  DealDesk demo   ${demo.appUrl}`,
        "",
        `  Open ${demo.appUrl} and click "Sign in with Pitchly".`,
      ];
  return ["", "express-pitchly demo is running", "", ...lines, "", "  Press Ctrl+C to stop.", ""].join("\n");
}

async function main(): Promise<void> {
  const logger = createDemoLogger();
  const demo = await startDemo({
    port: port(process.env.PORT, 3000),
    pitchlyPort: port(process.env.PITCHLY_MOCK_PORT, 4010),
    pluginPort: port(process.env.PLUGIN_PORT, 3001),
    host: process.env.HOST || "127.0.0.1",
    logger,
  });
  process.stdout.write(instructions(demo));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the demo…\n`);
    demo.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const hint =
    (err as { code?: string }).code === "EADDRINUSE" ? " (set PORT, PLUGIN_PORT or PITCHLY_MOCK_PORT to use other ports)" : "";
  console.error(`The demo could not start: ${message}${hint}`);
  process.exit(1);
});
