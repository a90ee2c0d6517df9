/**
 * `dxledger department …`: a department changes its own signing key through a
 * dxledger service, which relays the authorization to the ledger.
 *
 *   department rotate          --service URL --id ID --new-signer ADDR [--valid-for SECONDS] [--rpc URL] [--json]
 *   department cancel-recovery --service URL --id ID [--valid-for SECONDS] [--rpc URL] [--json]
 *
 * The department's CURRENT key is read from DEPARTMENT_PRIVATE_KEY only — never
 * from a flag, never printed. The token (DXLEDGER_TOKEN) is the department's
 * own `department:<id>` token, or an admin's. The nonce is the department's
 * `rotationNonce` from the service; the deadline is now + --valid-for (default
 * 3600 s), "now" being the chain's latest block time when --rpc is given (the
 * ledger judges expiry by chain time), else this machine's clock.
 * Exit: 0 done, 1 refused by the service or the ledger, 2 usage or I/O error.
 */
import { Wallet, type TypedDataDomain } from "ethers";
import { signRecoveryCancellation, signSignerRotation, type KeyAuthorization } from "../client/sign.ts";
import { addressArg, CliError, parse, runCli } from "./deploy.ts";

export const USAGE = `usage:
  dxledger department rotate          --service URL --id ID --new-signer ADDR [--valid-for SECONDS] [--rpc URL] [--json]
  dxledger department cancel-recovery --service URL --id ID [--valid-for SECONDS] [--rpc URL] [--json]
  (the current key from DEPARTMENT_PRIVATE_KEY, the token from DXLEDGER_TOKEN)`;

/** The parts of the service's answers (docs: OpenAPI) read here; error bodies are read defensively. */
interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}
interface DepartmentBody {
  readonly signer: string;
  readonly rotationNonce: number | string;
}
interface InfoBody {
  readonly eip712?: { readonly domain?: TypedDataDomain };
}
interface RotatedBody {
  readonly signer: string;
  readonly rotationTxHash: string;
  readonly rotationNonce: number;
}
interface CancelledBody {
  readonly cancelledSigner: string;
  readonly cancellationTxHash: string;
  readonly rotationNonce: number;
}
const errorOf = (body: unknown) => (body as ErrorBody | null | undefined)?.error;

export function departmentCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "rotate" && sub !== "cancel-recovery") {
    process.stderr.write(`dxledger: ${sub ? `unknown department command ${sub}` : "missing department command"}\n${USAGE}\n`);
    return Promise.resolve(2);
  }
  return runCli(() => run(sub, rest, env));
}

async function run(cmd: Command, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const a = departmentArgs(cmd, args, env);
  const call = serviceCaller(a.service, a.token);
  const dep = await currentDepartment(a, call);
  const domain = await signingDomain(call);
  const now = a.rpc ? await chainTime(a.rpc) : Math.floor(Date.now() / 1000);
  const r = await authorize(a, call, domain, { id: a.id, nonce: Number(dep.rotationNonce), deadline: now + a.validFor });
  return report(a, r);
}

type Command = "rotate" | "cancel-recovery";

/** A department command's arguments and environment, checked. */
interface DepartmentArgs {
  readonly cmd: Command;
  readonly service: string;
  readonly id: string;
  readonly newSigner: string | undefined;
  readonly validFor: number;
  readonly rpc: string | undefined;
  readonly json: boolean;
  readonly token: string;
  /** The department's current key (DEPARTMENT_PRIVATE_KEY). */
  readonly current: Wallet;
}

/** Checked in this order: the first problem is the one reported. */
function departmentArgs(cmd: Command, args: string[], env: NodeJS.ProcessEnv): DepartmentArgs {
  const opts = {
    service: { type: "string" },
    id: { type: "string" },
    "valid-for": { type: "string" },
    rpc: { type: "string" },
    json: { type: "boolean" },
  } as const;
  const o = cmd === "rotate" ? parse(args, { ...opts, "new-signer": { type: "string" } }, USAGE) : parse(args, opts, USAGE);
  const service = String(o.service ?? "").replace(/\/$/, "");
  if (!/^https?:\/\/\S+$/.test(service)) throw new CliError(`--service must be the service's http(s):// URL (${USAGE.split("\n")[1]!.trim()})`);
  const id = String(o.id ?? "");
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id)) throw new CliError("--id must be a department id ([a-z0-9][a-z0-9._-]{0,63})");
  const newSigner = cmd === "rotate" ? addressArg(o["new-signer"] as string | undefined, "--new-signer") : undefined;
  if (cmd === "rotate" && !newSigner) throw new CliError("rotate needs --new-signer ADDR (the address of the department's new key)");
  const validFor = o["valid-for"] === undefined ? 3600 : Number(o["valid-for"]);
  if (!Number.isInteger(validFor) || validFor < 1) throw new CliError("--valid-for must be a whole number of seconds ≥ 1");
  const { key, token } = credentials(env);
  return { cmd, service, id, newSigner, validFor, rpc: o.rpc as string | undefined, json: Boolean(o.json), token, current: new Wallet(key) };
}

/** The department's current key and the token, from the environment only. */
function credentials(env: NodeJS.ProcessEnv): { key: string; token: string } {
  const key = env.DEPARTMENT_PRIVATE_KEY;
  if (!key) throw new CliError("DEPARTMENT_PRIVATE_KEY is not set (the department's current key is read from the environment only)");
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new CliError("DEPARTMENT_PRIVATE_KEY must be 0x + 64 hex digits");
  const token = env.DXLEDGER_TOKEN;
  if (!token) throw new CliError("DXLEDGER_TOKEN is not set (the department's own token, or an admin's)");
  return { key, token };
}

/** One request to the service with the token: its status and its JSON body ({} when it has none). */
type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

function serviceCaller(service: string, token: string): Call {
  return async (method, path, body) => {
    let res: Response;
    try {
      res = await fetch(`${service}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (e) {
      throw new CliError(`cannot reach the service at ${service} (${(e as Error).message})`);
    }
    const answer: unknown = await res.json().catch(() => ({}));
    return { status: res.status, body: answer };
  };
}

/** The department as the service has it; DEPARTMENT_PRIVATE_KEY must be its current signer's key (else exit 1, nothing signed). */
async function currentDepartment({ id, current }: DepartmentArgs, call: Call): Promise<DepartmentBody> {
  const reply = await call("GET", `/v1/departments/${id}`);
  if (reply.status !== 200) throw new CliError(`GET /v1/departments/${id}: ${reply.status} ${errorOf(reply.body)?.message ?? ""}`);
  const dep = reply.body as DepartmentBody;
  if (dep.signer !== current.address.toLowerCase()) {
    throw new CliError(
      `DEPARTMENT_PRIVATE_KEY is the key of ${current.address.toLowerCase()}, but ${id}'s current signer is ${dep.signer}: nothing was signed`,
      1,
    );
  }
  return dep;
}

/** The EIP-712 domain the service's ledger verifies signatures under. */
async function signingDomain(call: Call): Promise<TypedDataDomain> {
  const info = await call("GET", "/v1/info");
  const domain = (info.body as InfoBody | null | undefined)?.eip712?.domain;
  if (!domain) throw new CliError("the service's /v1/info has no eip712.domain");
  return domain;
}

/** Signs the authorization with the current key and sends it: the service's answer. */
async function authorize(
  { cmd, id, newSigner, current }: DepartmentArgs,
  call: Call,
  domain: TypedDataDomain,
  base: { id: string; nonce: number; deadline: number },
): Promise<{ status: number; body: unknown }> {
  if (cmd === "rotate") {
    const authorization: KeyAuthorization = await signSignerRotation(current, domain, { ...base, newSigner: newSigner! });
    return call("PUT", `/v1/departments/${id}/signer`, { signer: newSigner, authorization });
  }
  const authorization: KeyAuthorization = await signRecoveryCancellation(current, domain, base);
  return call("DELETE", `/v1/departments/${id}/recovery`, { authorization });
}

/** Prints the answer; exit 0 done, 1 refused, 2 the service failed. */
function report({ cmd, id, current, json }: DepartmentArgs, r: { status: number; body: unknown }): number {
  if (json) process.stdout.write(`${JSON.stringify({ httpStatus: r.status, ...(r.body as object | null) })}\n`);
  if (r.status !== 200) {
    if (!json) process.stderr.write(`dxledger: refused (${r.status} ${errorOf(r.body)?.code ?? ""}): ${errorOf(r.body)?.message ?? JSON.stringify(r.body)}\n`);
    return r.status >= 500 ? 2 : 1;
  }
  if (!json) {
    process.stdout.write(cmd === "rotate" ? rotated(id, current.address.toLowerCase(), r.body as RotatedBody) : cancelled(id, r.body as CancelledBody));
  }
  return 0;
}

const rotated = (id: string, from: string, b: RotatedBody) =>
  `department ${id}: signer ${from} → ${b.signer} (tx ${b.rotationTxHash}); next nonce ${b.rotationNonce}\n`;
const cancelled = (id: string, b: CancelledBody) =>
  `department ${id}: recovery to ${b.cancelledSigner} cancelled (tx ${b.cancellationTxHash}); next nonce ${b.rotationNonce}\n`;

async function chainTime(rpcUrl: string): Promise<number> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }),
      signal: AbortSignal.timeout(10_000),
    });
    return Number(((await res.json()) as { result: { timestamp: string } }).result.timestamp);
  } catch (e) {
    throw new CliError(`cannot read the chain's time at --rpc (${(e as Error).message})`);
  }
}
