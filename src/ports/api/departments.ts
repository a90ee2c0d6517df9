/** What the HTTP layer asks of department administration and key changes (docs/departments.md "Department keys"). */

export interface DepartmentRecord {
  readonly id: string;
  readonly name: string;
  readonly signer: string;
  readonly active: boolean;
  readonly registeredAt: string;
  readonly txHash: string;
}

/** A department as GET /v1/departments shows it: the record plus its key state on chain. */
export type DepartmentView = DepartmentRecord & {
  readonly rotationNonce: number;
  readonly pendingRecovery: { readonly signer: string; readonly executableAt: string } | null;
};

/** A recovery proposed on chain and not yet executed or cancelled. */
export interface PendingRecovery {
  readonly signer: string;
  /** Unix seconds (chain time) from which anyone may execute it. */
  readonly executableAt: number;
}

/** A department's EIP-712 authorization (SignerRotation or RecoveryCancellation). */
export interface Authorization {
  readonly nonce: number;
  /** Unix seconds, compared with chain time. */
  readonly deadline: number;
  readonly signature: string;
}

export type SignerChange =
  | { readonly status: "rotated"; readonly department: DepartmentRecord; readonly txHash: string | null; readonly by: "authorization" | "recovery" }
  | {
      readonly status: "recovery-pending";
      readonly id: string;
      readonly signer: string;
      readonly executableAt: number;
      readonly proposalTxHash: string | null;
    };

export interface DepartmentKeyChanges {
  rotate(id: string, signer: string, auth: Authorization): Promise<SignerChange>;
  recover(id: string, signer: string): Promise<SignerChange>;
  cancelRecovery(id: string, auth: Authorization): Promise<{ id: string; cancelledSigner: string; txHash: string }>;
}

export interface DepartmentAdmin {
  readonly keys: DepartmentKeyChanges;
  register(id: string, name: string, signer: string): Promise<DepartmentRecord>;
  revoke(id: string): Promise<DepartmentRecord & { revocationTxHash: string }>;
  list(): Promise<DepartmentView[]>;
  get(id: string): Promise<DepartmentView | undefined>;
}
