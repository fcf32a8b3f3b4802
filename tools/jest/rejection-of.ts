/**
 * One test helper every package's tests share: the error a promise rejects with, or a
 * failed expectation if it resolved. Lives here, beside the jest setup, so that no
 * package's tests reach into another package's test folder.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}
