/**
 * Types derived from an `as const` ABI with abitype: the names of its
 * functions and events, each function's arguments and result, each event's
 * arguments. Nothing at run time (abitype is a devDependency, imported for
 * types only); typed-contract.ts applies them to ethers.
 *
 * abitype walks the ABI (entries, names, state mutability, arrays, tuples);
 * this file states how ethers v6 decodes and accepts values, which is not
 * abitype's default (viem's):
 * - uintN / intN: `bigint` out, whatever N (abitype's `number` for N ≤ 48 is
 *   viem's); `bigint | number` in (ethers encodes a number exactly and
 *   refuses one that is not a safe integer);
 * - address, bytes, bytesN: `string` (hex, not abitype's `0x${string}`: ethers
 *   types them as string); string: `string`; bool: `boolean`;
 * - T[]: `readonly T[]`; T[k]: a readonly tuple of k values;
 * - several outputs: ethers' Result, which is the positional tuple and the
 *   named fields at once (a tuple component: an object keyed by name).
 * An indexed event argument of a dynamic type (string, bytes, array, tuple)
 * is only its topic's hash: ethers' `Indexed`.
 */
import type {
  Abi,
  AbiConstructor,
  AbiParameter,
  AbiParameterToPrimitiveType,
  AbiParametersToPrimitiveTypes,
  ExtractAbiEvent,
  ExtractAbiEventNames,
  ExtractAbiFunction,
  ExtractAbiFunctionNames,
} from "abitype";
import type { Indexed } from "ethers";

// abitype's own switch for the primitive types (its `Register`): the ones ethers v6 uses.
declare module "abitype" {
  interface Register {
    addressType: string;
    bytesType: { inputs: string; outputs: string };
    intType: bigint;
    bigIntType: bigint;
  }
}

export type { Abi, AbiParameter };

/** What ethers accepts where it returns `T`: a bigint may also be a (safe-integer) number. */
type Accepted<T> = T extends bigint
  ? bigint | number
  : T extends readonly unknown[]
    ? { readonly [K in keyof T]: Accepted<T[K]> }
    : T extends object
      ? { readonly [K in keyof T]: Accepted<T[K]> }
      : T;

/** Arguments in order, as ethers accepts them (a mapped tuple, so that a generic one is still spread as an argument list). */
type Inputs<P extends readonly AbiParameter[]> = {
  readonly [K in keyof P]: Accepted<P[K] extends AbiParameter ? AbiParameterToPrimitiveType<P[K], "inputs"> : never>;
};

/** Parameters by name (unnamed ones left out), as ethers' Result offers them. */
type NamedOutputs<P extends readonly AbiParameter[]> = {
  readonly [Q in P[number] as Q["name"] extends "" | undefined ? never : Q["name"] & string]: AbiParameterToPrimitiveType<Q, "outputs">;
};

/** What ethers returns for several values: a Result, indexable by position and by name. */
export type Outputs<P extends readonly AbiParameter[]> = AbiParametersToPrimitiveTypes<P, "outputs"> & NamedOutputs<P>;

/** Functions that only read (view, pure): called, never sent. */
export type ReadFunctionName<A extends Abi> = ExtractAbiFunctionNames<A, "view" | "pure">;
/** Functions that change state (nonpayable, payable): sent in a transaction. */
export type WriteFunctionName<A extends Abi> = ExtractAbiFunctionNames<A, "nonpayable" | "payable">;
export type FunctionName<A extends Abi> = ExtractAbiFunctionNames<A>;
export type EventName<A extends Abi> = ExtractAbiEventNames<A>;

// Arguments and results by function name, then indexed by the (possibly generic) name: a
// generic name's `FunctionArgs<A, N>` is then one type wherever it is spelt, so a caller
// generic in N can forward its arguments (TypeScript's pattern for correlated unions).
type ArgsByName<A extends Abi> = { [N in FunctionName<A>]: Inputs<ExtractAbiFunction<A, N>["inputs"]> };
type ResultByName<A extends Abi> = { [N in FunctionName<A>]: ResultOf<ExtractAbiFunction<A, N>["outputs"]> };

/** The arguments of function `N`, in order. */
export type FunctionArgs<A extends Abi, N extends FunctionName<A>> = ArgsByName<A>[N];

/** What a call of `N` resolves to, as ethers returns it: nothing, the one value, or a Result of several. */
export type FunctionResult<A extends Abi, N extends FunctionName<A>> = ResultByName<A>[N];
type ResultOf<O extends readonly AbiParameter[]> = O extends readonly []
  ? // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a function without outputs yields nothing to use (ethers gives an empty Result)
    void
  : O extends readonly [infer Only extends AbiParameter]
    ? AbiParameterToPrimitiveType<Only, "outputs">
    : Outputs<O>;

/** The constructor's arguments, in order. */
export type ConstructorArgs<A extends Abi> = Inputs<Extract<A[number], AbiConstructor>["inputs"]>;

type EventValue<P extends AbiParameter> = P extends { readonly indexed: true; readonly type: "string" | "bytes" | "tuple" | `${string}]` }
  ? Indexed
  : AbiParameterToPrimitiveType<P, "outputs">;

type EventValues<P extends readonly AbiParameter[]> = { readonly [K in keyof P]: P[K] extends AbiParameter ? EventValue<P[K]> : never } & {
  readonly [Q in P[number] as Q["name"] extends "" | undefined ? never : Q["name"] & string]: EventValue<Q>;
};

/** An event's arguments as ethers decodes them: by position and by name. */
export type EventArgs<A extends Abi, N extends EventName<A>> = EventValues<ExtractAbiEvent<A, N>["inputs"]>;

/** A log decoded as one of the ABI's events: `name` tells which, and narrows `args`. */
export type DecodedEvent<A extends Abi> = { [N in EventName<A>]: { readonly name: N; readonly args: EventArgs<A, N> } }[EventName<A>];
