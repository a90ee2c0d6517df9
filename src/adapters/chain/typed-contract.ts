/**
 * A contract called through its `as const` ABI (abi-types.ts): tsc checks the
 * function or event name against the ABI, the arguments against its inputs,
 * and gives the result the type of its outputs. ethers does the encoding.
 *
 * Contract:
 * - `abi` MUST be the ABI of the code at `address` (the caller's promise, as
 *   with ethers' Contract); results are typed from it, not checked against it.
 * - Reads (`read`, `getFunction`) go through the runner's provider; writes are
 *   never sent from here: `encode` gives the calldata for whoever sends (one
 *   sender per account keeps nonces in order), `estimateGas` only asks.
 * - Failures are ethers' errors, unchanged: callers translate them
 *   (to-chain-error.ts), with `interface` to decode custom errors.
 */
import { Contract, Interface, concat, type BaseContract, type ContractRunner, type ContractTransactionResponse, type InterfaceAbi } from "ethers";
import type {
  Abi,
  ConstructorArgs,
  DecodedEvent,
  EventName,
  FunctionArgs,
  FunctionName,
  FunctionResult,
  ReadFunctionName,
  WriteFunctionName,
} from "./abi-types.ts";

export class TypedContract<A extends Abi> {
  readonly abi: A;
  /** Lower-case. */
  readonly address: string;
  /** ethers' view of the same ABI (decodes custom errors for to-chain-error.ts). */
  readonly interface: Interface;
  readonly #contract: Contract;

  constructor(abi: A, address: string, runner: ContractRunner | null) {
    this.abi = abi;
    this.address = address.toLowerCase();
    this.interface = new Interface(jsonAbi(abi));
    this.#contract = new Contract(this.address, this.interface, runner);
  }

  /** Calls read-only function `name` (eth_call against the latest block). */
  read<N extends ReadFunctionName<A>>(name: N, ...args: FunctionArgs<A, N>): Promise<FunctionResult<A, N>> {
    return this.#contract.getFunction(name).staticCall(...(args as readonly unknown[])) as Promise<FunctionResult<A, N>>;
  }

  /** `read` in ethers' spelling, for reads only: `c.getFunction("checkpointCount")(logId)`. */
  getFunction<N extends ReadFunctionName<A>>(name: N): (...args: FunctionArgs<A, N>) => Promise<FunctionResult<A, N>> {
    return (...args) => this.read(name, ...args);
  }

  /** The calldata of `name(...args)` (the arguments as one array, as ethers' encodeFunctionData takes them). */
  encode<N extends FunctionName<A>>(name: N, args: FunctionArgs<A, N>): string {
    return this.interface.encodeFunctionData(name, args as readonly unknown[]);
  }

  /** What sending `name(args)` from the runner's account would cost now; rejects as the transaction would revert. */
  estimateGas<N extends WriteFunctionName<A>>(name: N, ...args: FunctionArgs<A, N>): Promise<bigint> {
    return this.#contract.getFunction(name).estimateGas(...(args as readonly unknown[]));
  }

  /** topic0 of event `name`. */
  topic(name: EventName<A>): string {
    const ev = this.interface.getEvent(name);
    if (!ev) throw new Error(`event ${name} is not in the ABI`);
    return ev.topicHash;
  }

  /** The log decoded as one of the ABI's events, or null when its topic0 is none of them. */
  decodeLog(log: { readonly topics: readonly string[]; readonly data: string }): DecodedEvent<A> | null {
    const parsed = this.interface.parseLog(log);
    // ethers decoded it with the same ABI the type is derived from.
    return parsed ? ({ name: parsed.name, args: parsed.args } as unknown as DecodedEvent<A>) : null;
  }
}

/**
 * ethers' own Contract for ABI `A`, its functions typed from the ABI: a read
 * resolves to its result, a write sends through the contract's runner and
 * resolves to the transaction. For tests and scripts that send with ethers'
 * signers (Hardhat's `ethers.deployContract`); the service sends through its
 * one sender per account instead (`TypedContract.encode`).
 */
export type EthersContract<A extends Abi> = Omit<BaseContract, "connect"> & {
  readonly [N in ReadFunctionName<A>]: (...args: FunctionArgs<A, N>) => Promise<FunctionResult<A, N>>;
} & {
  readonly [N in WriteFunctionName<A>]: (...args: FunctionArgs<A, N>) => Promise<ContractTransactionResponse>;
} & {
  /** The same contract, called and sent through `runner`. */
  connect(runner: ContractRunner | null): EthersContract<A>;
};

/** `contract` seen through `abi`, which MUST be the ABI it was built with (ethers builds a method for each of its functions). */
export function ethersContract<A extends Abi>(_abi: A, contract: Pick<BaseContract, "interface" | "getFunction">): EthersContract<A> {
  return contract as unknown as EthersContract<A>;
}

/** The data of a deployment transaction: `bytecode` followed by the constructor's arguments. */
export function deployData<A extends Abi>(abi: A, bytecode: string, ...args: ConstructorArgs<A>): string {
  return concat([bytecode, new Interface(jsonAbi(abi)).encodeDeploy(args as readonly unknown[])]);
}

/**
 * The ABI as ethers' Interface takes it. The JSON is the same; only the
 * typings differ: abitype still lists the pre-0.5 `gas` field as a number,
 * ethers' JsonFragment as a string, and no ABI here has it.
 */
function jsonAbi(abi: Abi): InterfaceAbi {
  return abi as InterfaceAbi;
}
