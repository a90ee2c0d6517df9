#!/usr/bin/env bash
# From registering two departments to verifying a receipt on the chain.
# Needs a running service (npm start) and its admin token; the same text is in README.md.
# It registers the departments "tax" and "health": run it once per data dir.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:${PORT:-8080}}
ADMIN_TOKEN=${ADMIN_TOKEN:-$(cat "${DATA_DIR:-./data}/admin-token")}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(process.argv[1].split(".").reduce((o,k)=>o[k],v))})' "$1"; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT   # the departments' demo keys are written here; none outlives the run

# 1. Each department has its own signing key (here: fresh ones).
npm run -s demo:key > "$WORK/tax.json"
npm run -s demo:key > "$WORK/health.json"

# 2. The admin registers both departments on chain, and gives the tax department
#    a token: a department writes its own records only, and only with its token.
for d in tax health; do
  curl -sSf -X POST "$BASE/v1/departments" \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$d\",\"name\":\"Department $d\",\"signer\":\"$(json address < "$WORK/$d.json")\"}"
  echo
done
TAX_TOKEN=$(curl -sSf -X POST "$BASE/v1/tokens" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d '{"role":"department:tax","label":"tax department"}' | json token)

# 3. The tax department signs an exchange (a hash of the data, never the data) and records it with its token.
printf 'household,income\n1,52000\n' > "$WORK/extract.csv"
npm run -s demo:sign -- --info "$BASE/v1/info" --key "$(json privateKey < "$WORK/tax.json")" \
  --provider tax --consumer health --dataset tax/income-2025 --purpose "benefit eligibility" \
  --legal-basis "Social Code s.67" --records 1 --data-file "$WORK/extract.csv" --id walk-1 > "$WORK/record.json"
curl -sSf -X POST "$BASE/v1/exchanges" -H "Authorization: Bearer $TAX_TOKEN" \
  -H 'Content-Type: application/json' -d @"$WORK/record.json"
echo

# 4. Anchor now (otherwise it happens within ANCHOR_INTERVAL_MS), then fetch the receipt as an auditor.
curl -sSf -X POST "$BASE/v1/anchor" -H "Authorization: Bearer $ADMIN_TOKEN"
echo
AUDITOR=$(curl -sSf -X POST "$BASE/v1/tokens" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d '{"role":"auditor","label":"walkthrough"}' | json token)
curl -sSf "$BASE/v1/exchanges/tax/walk-1/receipt" -H "Authorization: Bearer $AUDITOR" > "$WORK/receipt.json"

# 5. Verify the receipt with nothing but the chain (the service is not asked).
./bin/dxledger.mjs verify "$WORK/receipt.json" --rpc "$(curl -sSf "$BASE/v1/info" | json rpcUrl)"
