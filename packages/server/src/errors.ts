import { ERROR_CODES, type TErrorCode, type TFieldError } from '@sinergi/domain';

/**
 * The one error type services throw. The code maps to the HTTP status and the user's
 * message (Indonesian or English); `internal` is for logs only and never sent.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: TErrorCode,
    readonly internal?: string,
    readonly options: {
      fields?: TFieldError[];
      details?: Record<string, unknown>;
      /** Override the generic message: both languages. */
      userMessage?: { id: string; en: string };
    } = {},
  ) {
    super(internal ?? code);
    this.status = ERROR_CODES[code].status;
  }
}

/** Shorthand for a 400 with one field problem, the message a FIELD_MESSAGES key or both languages. */
export function fieldError(path: string, message: string): AppError {
  return new AppError('validation', `${path}: ${message}`, { fields: [{ path, message }] });
}
