/**
 * An error caused by the user's input (flag, file, target). The CLI prints its
 * message as one line, without a stack trace, and exits with code 2.
 * Messages say what was wrong, where, and what to do.
 */
export class UserError extends Error {
  override name = 'UserError';
}
