/**
 * A department changing its own key through the service, as a department's
 * system does it: read its rotationNonce (GET /v1/departments/{id}) and the
 * chain's time, sign the EIP-712 authorization with the current key, PUT it.
 */
import type { Wallet } from "ethers";
import { signRecoveryCancellation, signSignerRotation, type KeyAuthorization } from "../../src/client/sign.ts";
import { rpc } from "./evm.ts";
import type { Api } from "./service.ts";

/** The latest block's timestamp (the ledger judges deadlines by it, not by the wall clock). */
export async function chainNow(rpcUrl: string): Promise<number> {
  return Number((await rpc<{ timestamp: string }>(rpcUrl, "eth_getBlockByNumber", ["latest", false])).timestamp);
}

export async function rotationAuthorization(
  api: Api,
  rpcUrl: string,
  id: string,
  current: Wallet,
  newSigner: string,
  opts: { nonce?: number; deadline?: number } = {},
): Promise<KeyAuthorization> {
  const domain = (await api.get("/v1/info")).body.eip712.domain;
  const nonce = opts.nonce ?? (await api.get(`/v1/departments/${id}`)).body.rotationNonce;
  const deadline = opts.deadline ?? (await chainNow(rpcUrl)) + 3600;
  return signSignerRotation(current, domain, { id, newSigner, nonce, deadline });
}

export async function cancellationAuthorization(
  api: Api,
  rpcUrl: string,
  id: string,
  current: Wallet,
  opts: { nonce?: number; deadline?: number } = {},
): Promise<KeyAuthorization> {
  const domain = (await api.get("/v1/info")).body.eip712.domain;
  const nonce = opts.nonce ?? (await api.get(`/v1/departments/${id}`)).body.rotationNonce;
  const deadline = opts.deadline ?? (await chainNow(rpcUrl)) + 3600;
  return signRecoveryCancellation(current, domain, { id, nonce, deadline });
}

/** Rotates `id` from `current` to `newSigner` by the department's own authorization; returns the HTTP answer. `token`: null sends none; undefined, the Api's. */
export async function selfRotate(api: Api, rpcUrl: string, id: string, current: Wallet, newSigner: string, token?: string | null) {
  const authorization = await rotationAuthorization(api, rpcUrl, id, current, newSigner);
  return api.req("PUT", `/v1/departments/${id}/signer`, { signer: newSigner, authorization }, token === undefined ? {} : { token });
}
