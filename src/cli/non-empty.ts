/** `v`, or undefined when it is the empty string: an environment variable set to "" counts as unset. */
export function nonEmpty(v: string | undefined): string | undefined {
  return v === "" ? undefined : v;
}
