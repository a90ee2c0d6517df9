/**
 * Prints a new department signing key as JSON {address, privateKey}.
 * For trying dxledger out: a real department keeps its key in its own wallet or HSM.
 */
import { Wallet } from "ethers";

const w = Wallet.createRandom();
process.stdout.write(`${JSON.stringify({ address: w.address, privateKey: w.privateKey })}\n`);
