import { ApiError } from "@shared/api";

/** The text to show for a failed call: the server's message (it names the field) or the error's. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof Error) {
    return error.message;
  }
  return String(error);
}
