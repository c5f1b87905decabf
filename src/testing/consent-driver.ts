// Drives the consent page over real HTTP, as a browser would, for approve() and deny().

function pageMessage(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}

export async function driveConsent(
  baseUrl: string,
  authorizeUrl: string,
  decision: "approve" | "deny",
  userId?: string,
): Promise<string> {
  const target = new URL(authorizeUrl, baseUrl);
  const page = await fetch(target, { redirect: "manual" });
  const early = page.headers.get("location");
  const html = await page.text();
  // Errors Pitchly reports to the client (unsupported response_type, missing PKCE...) redirect straight away.
  if (page.status >= 300 && page.status < 400 && early) return new URL(early, target).toString();
  if (page.status !== 200) throw new Error(`local Pitchly refused the authorize request (${page.status}): ${pageMessage(html)}`);
  const tx = /name="tx" value="([^"]+)"/.exec(html)?.[1];
  if (!tx) throw new Error("local Pitchly consent page has no tx field");

  const form = new URLSearchParams({ tx, decision });
  if (userId !== undefined) form.set("user", userId);
  const answer = await fetch(new URL("/oauth/authorize/decision", target), { method: "POST", body: form, redirect: "manual" });
  const body = await answer.text();
  const location = answer.headers.get("location");
  if (answer.status !== 302 || !location) {
    throw new Error(`local Pitchly did not redirect after ${decision} (${answer.status}): ${pageMessage(body)}`);
  }
  return location;
}
