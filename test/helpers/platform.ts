// Test fixture: the harness on Pitchly's platform generation (a platform client at the local Pitchly, PKCE required).
import { DEFAULT_ORGANIZATION } from "express-pitchly/testing";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, createHarness, type Harness, type HarnessOptions } from "./app";

export const PLATFORM_ORG = DEFAULT_ORGANIZATION.id;
/** Reads records as the user: a platform query whose answer proves the call went through. */
export const ORGANIZATION_QUERY = "query Org { organization { id name } }";
/** A write: needs `records:update`, which a `scope: ""` token lacks. */
export const WORKSPACE_QUERY = "query Ws { organization { workspaces { id tables { id fields { id type } } } } }";
export const UPDATE_RECORDS =
  "mutation Up($t: ID!, $r: [UpdateRecordInput!]!) { updateRecords(tableId: $t, records: $r) { id } }";

export function createPlatformHarness(options: HarnessOptions = {}): Promise<Harness> {
  return createHarness({
    ...options,
    auth: { platform: "platform", ...options.auth },
    mock: {
      clients: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUris: [options.auth?.redirectUri ?? REDIRECT_URI],
          generation: "platform",
        },
      ],
      ...options.mock,
    },
  });
}
