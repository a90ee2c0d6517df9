/**
 * The bearer token: kept in this tab's sessionStorage only — never in a URL,
 * a cookie or localStorage — and sent as `Authorization: Bearer` by api.ts.
 */
const KEY = "dxledger.token";

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string): void => sessionStorage.setItem(KEY, token),
  clear: (): void => sessionStorage.removeItem(KEY),
};
