// express-pitchly: "Sign in with Pitchly" for Express. Only re-exports live here.
export { pitchlyAuth, type PitchlyAuth } from "./pitchly-auth";
export type { PitchlyAuthOptions, PitchlyRoutes, OnLoginContext, GraphQLAnswer } from "./options/types";
export type { RequirePitchlyTokenOptions } from "./http/require-token";
export type { PitchlyClient, PitchlyRequestContext } from "./grant/grant-client";
export type { GraphQLVariables } from "./pitchly/graphql-client";
export type { TokenSet } from "./pitchly/token-set";
export {
  PitchlyAuthError,
  PitchlyConfigError,
  PitchlyGraphQLError,
  PitchlyTokenStoreError,
  isPitchlyAuthError,
  type PitchlyAuthErrorCode,
  type PitchlyGraphQLErrorEntry,
  type PitchlyTokenStoreErrorCode,
} from "./errors";
export {
  MemoryTokenStore,
  SqliteTokenStore,
  RedisTokenStore,
  RedisLock,
  PostgresTokenStore,
  EncryptedTokenStore,
  isRefreshLock,
  type TokenStore,
  type RefreshLock,
  type LockHandle,
  type MemoryTokenStoreOptions,
  type SqliteTokenStoreOptions,
  type SqliteDatabaseLike,
  type RedisTokenStoreOptions,
  type RedisLockOptions,
  type RedisClientLike,
  type PostgresTokenStoreOptions,
  type PgPoolLike,
  type PgQueryResult,
  type EncryptedTokenStoreOptions,
  type EncryptionKey,
} from "./stores";
export { PITCHLY_WARNINGS, type PitchlyWarningCode } from "./errors";
export {} from "./express-augment";
