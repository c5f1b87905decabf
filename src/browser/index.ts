// express-pitchly/browser: implicit-flow and PKCE helpers for SPAs, and the Pitchly plugin handshake (no Node, no dependencies).
export { PitchlyBrowserError } from "./errors.js";
export type { PitchlyBrowserErrorCode, PitchlyBrowserErrorExtra } from "./errors.js";
export type {
  BrowserDeps,
  CryptoLike,
  FetchLike,
  HistoryLike,
  LocationLike,
  MessageEventLike,
  PostMessageTarget,
  StorageLike,
  WindowLike,
} from "./env.js";
export type { BrowserToken, PkceToken } from "./token.js";
export { buildImplicitAuthorizeUrl, completeImplicitLogin, hasImplicitCallback, startImplicitLogin } from "./implicit.js";
export type { ImplicitLoginOptions } from "./implicit.js";
export { buildPkceAuthorizeUrl, completePkceLogin, hasPkceCallback, refreshPkceToken, startPkceLogin } from "./pkce.js";
export type { PkceLoginOptions } from "./pkce.js";
export { expiresIn, isExpired } from "./expiry.js";
export { graphql } from "./graphql.js";
export type { BrowserGraphQLOptions } from "./graphql.js";
export { DEFAULT_AUTHORIZE_URL, DEFAULT_GRAPHQL_URL, DEFAULT_TOKEN_URL } from "./options.js";
export { IMPLICIT_STATE_KEY, PKCE_STATE_KEY } from "./state-storage.js";
export { connectPitchlyPlugin } from "./plugin.js";
export type { PitchlyPlugin, PitchlyPluginEvents, PitchlyPluginListener } from "./plugin.js";
export { DEFAULT_PLATFORM_ORIGIN } from "./plugin-options.js";
export type { PitchlyPersonMismatch, PitchlyPluginChange, PitchlyPluginOptions } from "./plugin-options.js";
export type {
  PitchlyActiveCell,
  PitchlyFocus,
  PitchlyPerson,
  PitchlyPluginState,
  PitchlyRawMessage,
  PitchlyStateKey,
  PitchlyStateMessage,
  PitchlyTable,
  PitchlyWorkspace,
} from "./plugin-messages.js";
