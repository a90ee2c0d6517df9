/**
 * Types derived from an `as const` ABI (abitype's idea, written out here: the
 * package is not installed): the names of its functions and events, each
 * function's arguments and result, each event's arguments. Nothing at run
 * time; typed-contract.ts applies them to ethers.
 *
 * Solidity → TypeScript, as ethers v6 decodes and accepts values:
 * - uintN / intN: `bigint` out; `bigint | number` in (ethers encodes a number
 *   exactly and refuses one that is not a safe integer);
 * - address, bytes, bytesN, string: `string` (hex for addresses and bytes);
 * - bool: `boolean`;
 * - T[] and T[k]: `readonly T[]` (a fixed length is not checked by the type);
 * - tuple: an object keyed by component name in; out, ethers' Result, which
 *   is the positional tuple and the named fields at once.
 * An indexed event argument of a dynamic type (string, bytes, array, tuple)
 * is only its topic's hash: ethers' `Indexed`.
 */
import type { Indexed } from "ethers";

export interface AbiParameter {
  readonly type: string;
  readonly name?: string;
  readonly indexed?: boolean;
  readonly components?: readonly AbiParameter[];
}

export type Abi = ReadonlyArray<{ readonly type: string; readonly name?: string }>;

type Direction = "in" | "out";

/** Splits "T[2][3" (the last "]" already removed) at its last "[": ["T[2]", "3"]. */
type SplitLastBracket<S extends string, Acc extends string = ""> = S extends `${infer A}[${infer B}`
  ? B extends `${string}[${string}`
    ? SplitLastBracket<B, `${Acc}${A}[`>
    : [`${Acc}${A}`, B]
  : never;

type Scalar<T extends string, D extends Direction> = T extends "bool"
  ? boolean
  : T extends `uint${string}` | `int${string}`
    ? D extends "in"
      ? bigint | number
      : bigint
    : T extends "address" | "string" | "bytes" | `bytes${number}`
      ? string
      : unknown;

/** The TypeScript type of a value of Solidity type `T` (components `C` for tuples). */
export type SolidityValue<T extends string, C, D extends Direction> = T extends `${infer Inner}]`
  ? ReadonlyArray<SolidityValue<SplitLastBracket<Inner>[0], C, D>>
  : T extends "tuple"
    ? C extends readonly AbiParameter[]
      ? D extends "in"
        ? NamedValues<C, D>
        : Outputs<C>
      : never
    : Scalar<T, D>;

type ValueOf<P, D extends Direction> = P extends AbiParameter ? SolidityValue<P["type"], P["components"], D> : never;

/** Parameters as a positional tuple (argument lists, Result positions). */
export type PositionalValues<P extends readonly AbiParameter[], D extends Direction> = { readonly [K in keyof P]: ValueOf<P[K], D> };

/** Parameters by name (unnamed ones left out). */
export type NamedValues<P extends readonly AbiParameter[], D extends Direction> = {
  readonly [Q in P[number] as Q["name"] extends "" | undefined ? never : Q["name"] & string]: ValueOf<Q, D>;
};

/** What ethers returns for several values: a Result, indexable by position and by name. */
export type Outputs<P extends readonly AbiParameter[]> = PositionalValues<P, "out"> & NamedValues<P, "out">;

interface FunctionEntry {
  readonly type: "function";
  readonly name: string;
  readonly inputs: readonly AbiParameter[];
  readonly outputs: readonly AbiParameter[];
  readonly stateMutability: string;
}
interface EventEntry {
  readonly type: "event";
  readonly name: string;
  readonly inputs: readonly AbiParameter[];
}
interface ConstructorEntry {
  readonly type: "constructor";
  readonly inputs: readonly AbiParameter[];
}

/** Functions that only read (view, pure): called, never sent. */
export type ReadFunctionName<A extends Abi> = Extract<A[number], FunctionEntry & { readonly stateMutability: "view" | "pure" }>["name"];
/** Functions that change state (nonpayable, payable): sent in a transaction. */
export type WriteFunctionName<A extends Abi> = Extract<A[number], FunctionEntry & { readonly stateMutability: "nonpayable" | "payable" }>["name"];
export type FunctionName<A extends Abi> = Extract<A[number], FunctionEntry>["name"];
export type EventName<A extends Abi> = Extract<A[number], EventEntry>["name"];

type FunctionOf<A extends Abi, N extends FunctionName<A>> = Extract<A[number], FunctionEntry & { readonly name: N }>;
type EventOf<A extends Abi, N extends EventName<A>> = Extract<A[number], EventEntry & { readonly name: N }>;

// Arguments and results by function name, then indexed by the (possibly generic) name: a
// generic name's `FunctionArgs<A, N>` is then one type wherever it is spelt, so a caller
// generic in N can forward its arguments (TypeScript's pattern for correlated unions).
type ArgsByName<A extends Abi> = { [N in FunctionName<A>]: PositionalValues<FunctionOf<A, N>["inputs"], "in"> };
type ResultByName<A extends Abi> = { [N in FunctionName<A>]: ResultOf<FunctionOf<A, N>["outputs"]> };

/** The arguments of function `N`, in order. */
export type FunctionArgs<A extends Abi, N extends FunctionName<A>> = ArgsByName<A>[N];

/** What a call of `N` resolves to, as ethers returns it: nothing, the one value, or a Result of several. */
export type FunctionResult<A extends Abi, N extends FunctionName<A>> = ResultByName<A>[N];
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a function without outputs yields nothing to use (ethers gives an empty Result)
type ResultOf<O extends readonly AbiParameter[]> = O extends readonly [] ? void : O extends readonly [infer Only] ? ValueOf<Only, "out"> : Outputs<O>;

/** The constructor's arguments, in order. */
export type ConstructorArgs<A extends Abi> = PositionalValues<Extract<A[number], ConstructorEntry>["inputs"], "in">;

type EventValue<P> = P extends AbiParameter
  ? P["indexed"] extends true
    ? P["type"] extends "string" | "bytes" | "tuple" | `${string}]`
      ? Indexed
      : ValueOf<P, "out">
    : ValueOf<P, "out">
  : never;

type EventValues<P extends readonly AbiParameter[]> = { readonly [K in keyof P]: EventValue<P[K]> } & {
  readonly [Q in P[number] as Q["name"] extends "" | undefined ? never : Q["name"] & string]: EventValue<Q>;
};

/** An event's arguments as ethers decodes them: by position and by name. */
export type EventArgs<A extends Abi, N extends EventName<A>> = EventValues<EventOf<A, N>["inputs"]>;

/** A log decoded as one of the ABI's events: `name` tells which, and narrows `args`. */
export type DecodedEvent<A extends Abi> = { [N in EventName<A>]: { readonly name: N; readonly args: EventArgs<A, N> } }[EventName<A>];
