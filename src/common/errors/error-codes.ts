/**
 * Every machine-readable `code` an error body can carry, with the HTTP status it answers and what it
 * means. The one exception filter sends `{statusCode, error, message, code, details?}`; clients branch
 * on `code`, never on `message`. A new error needs its code here first (DomainError only takes these),
 * and the OpenAPI document lists this catalogue.
 */
export const ERROR_CODES = {
  // Refusals the HTTP layer and Nest make before a handler runs.
  validation_failed: {
    status: 400,
    meaning: 'A body, query or path field breaks its rule; `message` and `details.fields` name the fields',
  },
  malformed_json: {
    status: 400,
    meaning: 'The body is not valid JSON, is not an object or array, or names __proto__/constructor.prototype',
  },
  json_too_deep: { status: 400, meaning: 'The JSON body nests deeper than the limit (`details.maxDepth`)' },
  malformed_request: { status: 400, meaning: 'The URL or the request line could not be parsed' },
  bad_request: { status: 400, meaning: 'The request is malformed in a way no more specific code covers' },
  unauthorized: { status: 401, meaning: 'No valid bearer token, or the account behind it is disabled, suspended or closed' },
  forbidden: { status: 403, meaning: 'The token is valid but lacks the role or permission the route needs' },
  route_not_found: { status: 404, meaning: 'No route answers this method and path' },
  request_timeout: { status: 408, meaning: 'The request (headers or body) took longer to arrive than the server waits' },
  payload_too_large: { status: 413, meaning: 'The body is larger than 1 MiB' },
  uri_too_long: { status: 414, meaning: 'A path segment is too long' },
  unsupported_media_type: { status: 415, meaning: 'A body was sent with a Content-Type other than application/json' },
  request_header_fields_too_large: { status: 431, meaning: 'The request headers are larger than the server accepts' },
  rate_limited: { status: 429, meaning: 'Too many requests from this client; retry after `Retry-After` seconds' },
  internal_error: { status: 500, meaning: 'An unexpected fault on our side; it is logged, nothing about it is sent' },

  // Database rules a request broke (mapped from PostgreSQL's error class).
  unique_violation: { status: 409, meaning: 'A record with the same unique value already exists' },
  reference_violation: { status: 409, meaning: 'The request refers to a record that does not exist or is still referenced' },
  data_rule_violation: { status: 400, meaning: 'A value breaks a database data rule (check or not-null constraint, format, range)' },
  concurrent_conflict: { status: 409, meaning: 'The request conflicted with a concurrent one; retry it' },

  // Outages and overload: 503 with Retry-After (ServiceUnavailableError).
  database_unavailable: {
    status: 503,
    meaning: 'The database is unreachable, stalled or slower than the bound; retry after `Retry-After`',
  },
  overloaded: { status: 503, meaning: 'No database connection came free in time; retry after `Retry-After`' },
  health_check_failed: { status: 503, meaning: 'A readiness check failed; the Terminus body names it (`error`, `details`)' },
  maintenance_read_only: {
    status: 503,
    meaning:
      'The platform is read-only (planned maintenance, or the primary database unreachable while a replica serves reads); writes are refused until it ends',
  },

  // Authentication.
  invalid_credentials: { status: 401, meaning: 'Wrong email or password, or a disabled admin (never says which)' },
  invalid_sign_in: { status: 401, meaning: 'The signed sign-in message is invalid, expired, replayed or not the one issued' },
  wallet_not_registered: { status: 404, meaning: 'The signature is valid but no investor uses this wallet' },
  too_many_attempts: {
    status: 429,
    meaning: 'Too many failed admin sign-ins (per account and client) or sign-in nonces (per client); retry after `Retry-After`',
  },
  account_not_active: { status: 403, meaning: 'The investor account is suspended or closed' },

  // Users.
  user_not_found: { status: 404, meaning: 'No such user' },
  phone_taken: { status: 409, meaning: 'phone is already registered' },
  wallet_taken: { status: 409, meaning: 'The wallet address is already registered' },
  address_mismatch: { status: 400, meaning: 'address does not match the address that signed the message' },

  // KYC.
  kyc_application_not_found: { status: 404, meaning: 'No such KYC application' },
  kyc_application_open: { status: 409, meaning: 'An application is already pending or in review' },
  kyc_already_approved: { status: 409, meaning: 'KYC is already approved at that level' },
  kyc_illegal_transition: { status: 409, meaning: 'The application cannot move to that status' },

  // Assets.
  asset_not_found: { status: 404, meaning: 'No such asset (drafts are invisible to investors)' },
  illegal_asset_transition: { status: 409, meaning: 'The asset cannot move to that status' },
  invalid_asset_field: { status: 400, meaning: 'An asset field breaks a rule (`details.field` names it)' },
  target_below_committed: { status: 409, meaning: 'targetAmount cannot go below what investors already committed' },

  // Investments.
  investment_not_found: { status: 404, meaning: 'No such investment' },
  investor_not_found: { status: 404, meaning: 'The investor account behind the token does not exist' },
  investor_not_active: { status: 403, meaning: 'The investor account is suspended or closed' },
  kyc_not_approved: { status: 403, meaning: 'Investing needs an approved KYC application' },
  asset_not_open: { status: 409, meaning: 'The asset is not open for investment' },
  asset_not_open_yet: { status: 409, meaning: 'The asset opens later' },
  asset_closed: { status: 409, meaning: 'The asset has closed' },
  asset_oversubscribed: { status: 409, meaning: 'The amount exceeds what remains of the target (`details.remaining`)' },
  amount_below_minimum: { status: 422, meaning: 'amount is below the asset minimum' },
  amount_above_maximum: { status: 422, meaning: 'amount is above the asset maximum' },
  tier_limit_exceeded: { status: 422, meaning: "amount exceeds the investor tier's single-investment limit" },
  illegal_investment_transition: { status: 409, meaning: 'The investment cannot make that move from its status' },
  idempotency_key_reused: { status: 422, meaning: 'This Idempotency-Key was already used with a different request body' },

  // Blockchain.
  invalid_query: { status: 400, meaning: 'A query parameter breaks a rule (`details.field` names it)' },

  // Admin accounts.
  admin_not_found: { status: 404, meaning: 'No such admin' },
  admin_email_taken: { status: 409, meaning: 'email is already used by another admin' },
  admin_self_change: { status: 409, meaning: 'Admins cannot change their own role or disable themselves' },

  // Backups.
  backup_running: { status: 409, meaning: 'A backup is already running' },
  backup_no_url: { status: 500, meaning: 'The database connection has no URL to hand to pg_dump' },
  backup_not_found: { status: 500, meaning: 'The named dump does not exist' },
  backup_corrupt: { status: 500, meaning: 'The dump does not match the sha256 in its manifest' },
  backup_unverified: {
    status: 500,
    meaning: 'The dump has no manifest to check its sha256 against (db:restore --no-verify to restore it anyway)',
  },
  pg_tool_failed: { status: 500, meaning: 'pg_dump or pg_restore failed or could not start' },
  pg_tools_mismatch: { status: 500, meaning: 'The PostgreSQL client tools are older than the server' },
  restore_target_not_empty: { status: 500, meaning: 'The restore target database already holds tables' },
  restore_bad_target: { status: 500, meaning: 'The point-in-time restore target is not a past instant' },
  restore_failed: { status: 500, meaning: 'The point-in-time restore server stopped or did not finish recovery' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The code an HttpException without one of its own gets, by status (Nest's and Fastify's own refusals). */
export const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'route_not_found',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'request_header_fields_too_large',
  500: 'internal_error',
  503: 'database_unavailable',
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
