/**
 * Departments' registry events in chain order, recoveries marked: the one
 * decoding, owned by the verifier package (@dxledger/verify, history.ts), so
 * `audit`, `verify` and the service read key history the same way.
 */
import { departmentHistory, registryHistories } from "@dxledger/verify";

export { registryHistories };
export const registryHistory = departmentHistory;
