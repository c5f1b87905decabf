// Who exists in the local Pitchly: registered apps, organizations and their people, with defaults filled in.
import { stableId } from "./ids";
import { ALL_PERMISSIONS } from "./scope";
import type { Generation, MockClient, MockOrganization, MockUser } from "./types";

export interface Person extends MockUser {
  personId: string;
  organizationId: string;
  tier: string;
}

export const DEFAULT_USER: MockUser = { id: "user-1", name: "Ada Lovelace", email: "ada@example.com" };
export const DEFAULT_ORGANIZATION: MockOrganization = { id: "orgPitchlyDemoCo0001", name: "Pitchly Demo Co" };

export class Directory {
  readonly clients = new Map<string, MockClient>();
  readonly users = new Map<string, Person>();
  readonly organizations = new Map<string, MockOrganization>();
  readonly defaultUser: Person;
  readonly defaultOrganization: MockOrganization;

  constructor(clients: MockClient[], users: MockUser[], organizations: MockOrganization[]) {
    for (const org of organizations) this.organizations.set(org.id, { ...org });
    const firstOrg = organizations[0];
    if (!firstOrg) throw new Error("organizations must not be empty");
    this.defaultOrganization = firstOrg;
    for (const client of clients) {
      if (this.clients.has(client.clientId)) throw new Error(`duplicate clientId ${client.clientId}`);
      if (client.redirectUris.length === 0) throw new Error(`client ${client.clientId} has no redirectUris`);
      this.knownOrg(client.organizationId, `client ${client.clientId}`);
      this.clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
    }
    for (const user of users) {
      const organizationId = this.knownOrg(user.organizationId, `user ${user.id}`);
      const personId = user.personId ?? stableId("psn", user.id);
      this.users.set(user.id, { ...user, personId, organizationId, tier: user.tier ?? "pro" });
    }
    const first = this.users.values().next();
    if (first.done) throw new Error("users must not be empty");
    this.defaultUser = first.value;
  }

  /** The app's permissions on one generation: what the organization granted it when installing. */
  permissionsOf(client: MockClient, generation: Generation): string[] {
    return client.permissions ? [...client.permissions] : [...ALL_PERMISSIONS[generation]];
  }

  ownerOrganization(client: MockClient): string {
    return client.organizationId ?? this.defaultOrganization.id;
  }

  private knownOrg(id: string | undefined, who: string): string {
    if (id === undefined) return this.defaultOrganization.id;
    if (!this.organizations.has(id)) throw new Error(`${who} names unknown organization ${id}`);
    return id;
  }
}
