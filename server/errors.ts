/** An error the API answers with its own status, stable id and message. */
export class AppError extends Error {
  /**
   * @param status HTTP status to answer with.
   * @param id stable snake_case id clients can branch on.
   * @param message human-readable explanation (safe to show).
   */
  constructor(
    public readonly status: number,
    public readonly id: string,
    message: string,
    /** Every refusal when there are several ("field: …" each, the first is the message). */
    public readonly errors?: string[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

/**
 * @param message what failed, starting with the field name ("limit: must be ≤ 100").
 * @returns a 400 error.
 */
export const ValidationError = (message: string, errors?: string[]) => new AppError(400, "validation_error", message, errors);

/**
 * @param message why the credentials were refused.
 * @returns a 401 error.
 */
export const AuthenticationError = (message = "authentication required") =>
  new AppError(401, "authentication_required", message);

/**
 * @param message why access was refused; never names the resource's owner.
 * @returns a 403 error.
 */
export const AuthorizationError = (message = "not allowed") => new AppError(403, "authorization_error", message);

/**
 * @param what the kind of thing that was not found.
 * @returns a 404 error.
 */
export const NotFoundError = (what = "resource") => new AppError(404, "not_found", `${what} not found`);

/**
 * @param message what conflicts, in words a person can act on.
 * @returns a 409 error.
 */
export const ConflictError = (message: string) => new AppError(409, "conflict", message);

/**
 * @param message why the request cannot be carried out as asked.
 * @returns a 422 error.
 */
export const UnprocessableError = (id: string, message: string) => new AppError(422, id, message);

/**
 * @param message what was too large.
 * @returns a 413 error.
 */
export const PayloadTooLargeError = (message = "body too large") => new AppError(413, "payload_too_large", message);

/**
 * @param message why the callback was refused (bad signature, wrong receive id, malformed).
 * @returns a 400 error.
 */
export const CallbackRejectedError = (message: string) => new AppError(400, "callback_rejected", message);

/**
 * @param message what is not configured.
 * @returns a 503 error.
 */
export const NotConfiguredError = (message: string) => new AppError(503, "not_configured", message);

/** WeCom answered a non-zero errcode we do not recover from. */
export class WeComApiError extends Error {
  /**
   * @param errcode WeCom's errcode.
   * @param errmsg WeCom's errmsg.
   * @param path the API path called (no query string: it carries the token).
   */
  constructor(
    public readonly errcode: number,
    public readonly errmsg: string,
    public readonly path: string,
  ) {
    super(`WeCom ${path} failed: ${errcode} ${errmsg}`);
    this.name = "WeComApiError";
  }
}
