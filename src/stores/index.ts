// The token stores and refresh locks, and the contracts they implement.
export type { LockHandle, RefreshLock, TokenStore } from "./token-store";
export { isRefreshLock } from "./token-store";
export { MemoryTokenStore, type MemoryTokenStoreOptions } from "./memory-token-store";
export { SqliteTokenStore, type SqliteTokenStoreOptions } from "./sqlite-token-store";
export type { SqliteDatabaseLike } from "./sqlite-database";
export { RedisTokenStore, type RedisTokenStoreOptions } from "./redis-token-store";
export { RedisLock, type RedisLockOptions } from "./redis-lock";
export type { RedisClientLike } from "./redis-client";
export { PostgresTokenStore, type PostgresTokenStoreOptions } from "./postgres-token-store";
export type { PgPoolLike, PgQueryResult } from "./postgres-pool";
export { EncryptedTokenStore, SEALED_TOKEN_TYPE, type EncryptedTokenStoreOptions } from "./encrypted-token-store";
export type { EncryptionKey } from "./encryption-keys";
