/** Unix seconds (chain time) as an ISO 8601 UTC instant. */
export function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}
