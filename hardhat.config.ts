import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

const require = createRequire(import.meta.url);
// Hardhat cannot download compilers on these machines: use the npm `solc`
// package's soljson.js, whose version MUST equal SOLC_VERSION.
const SOLC_VERSION = (require("solc/package.json") as { version: string }).version;
const SOLJSON_PATH: string = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: SOLC_VERSION,
    path: SOLJSON_PATH,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "berlin",
    },
  },
  paths: {
    tests: { mocha: "test/contracts" },
  },
});
