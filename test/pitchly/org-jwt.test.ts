// signOrganizationToken(): Pitchly's self-signed organization JWT verifies at the local Pitchly; a tampered one does not.
import { decodeJwt, decodeProtectedHeader } from "jose";
import { PitchlyConfigError, pitchlyAuth, signOrganizationToken } from "express-pitchly";
import { DEFAULT_ORGANIZATION, startMockPitchly, type MockPitchly } from "express-pitchly/testing";

const CLIENT = { clientId: "appOrgJwtTest00000001", clientSecret: "plys_org-jwt-test-secret" };
let mock: MockPitchly;
beforeAll(async () => {
  mock = await startMockPitchly({ clients: [{ ...CLIENT, redirectUris: ["http://127.0.0.1:3999/cb"], generation: "platform" }] });
});
afterAll(() => mock.close());

async function asBearer(token: string) {
  const res = await fetch(mock.platformGraphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ organization { id } }" }),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data: { organization: { id: string } } | null;
      errors?: Array<{ extensions?: { code?: string } }>;
    },
  };
}

describe("signOrganizationToken", () => {
  it("standalone: HS256, iss = App ID, no exp unless asked; it verifies at the local Pitchly", async () => {
    const token = await signOrganizationToken(CLIENT);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "HS256" });
    expect(decodeJwt(token)).toEqual({ iss: CLIENT.clientId });
    const { status, body } = await asBearer(token);
    expect(status).toBe(200);
    expect(body.data?.organization.id).toBe(DEFAULT_ORGANIZATION.id);
  });

  it("from pitchlyAuth(): exp and claims passed through", async () => {
    const auth = pitchlyAuth({
      ...CLIENT,
      redirectUri: "http://127.0.0.1:3999/auth/pitchly/callback",
      platform: "platform",
      baseUrl: mock.url,
    });
    const now = Math.floor(Date.now() / 1000);
    const token = await auth.signOrganizationToken({
      expiresInSeconds: 600,
      claims: { workspaces: ["wks1"], permissions: ["records:read"] },
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: CLIENT.clientId, workspaces: ["wks1"], permissions: ["records:read"] });
    expect(claims.exp).toBeGreaterThanOrEqual(now + 599);
    expect(claims.exp).toBeLessThanOrEqual(now + 601);
    expect((await asBearer(token)).body.data?.organization.id).toBe(DEFAULT_ORGANIZATION.id);
  });

  it("a tampered token (claims changed, or signed with another secret) is refused: UNAUTHENTICATED", async () => {
    const token = await signOrganizationToken({ ...CLIENT, claims: { role: "reader" } });
    const [head, , signature] = token.split(".");
    const forged = `${head}.${Buffer.from(JSON.stringify({ iss: CLIENT.clientId, role: "admin" })).toString("base64url")}.${signature}`;
    const wrongKey = await signOrganizationToken({ ...CLIENT, clientSecret: "not-the-secret" });
    for (const bad of [forged, wrongKey]) {
      const { status, body } = await asBearer(bad);
      expect(status).toBe(200);
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("an expired token is refused", async () => {
    const token = await signOrganizationToken({ ...CLIENT, expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await asBearer(token)).body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses bad input with a PitchlyConfigError naming the field", async () => {
    await expect(signOrganizationToken({ clientId: "", clientSecret: "x" })).rejects.toThrow(/signOrganizationToken\.clientId/);
    await expect(signOrganizationToken({ ...CLIENT, expiresInSeconds: -1 })).rejects.toThrow(PitchlyConfigError);
    await expect(signOrganizationToken({ ...CLIENT, claims: { iss: "someone-else" } })).rejects.toThrow(
      /must not set iss or exp/,
    );
  });
});
