/** The error `act` throws, to assert on its type and fields; fails the test when it throws nothing. */
export function errorOf(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
