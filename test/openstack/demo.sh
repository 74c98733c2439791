#!/bin/bash
# keyform in two minutes, against a real Keystone on 127.0.0.1 (`npm run demo`, as root on
# Debian 12 after `npm ci`):
#   1. installs Keystone's Debian packages (idempotent) and brings up the launcher's Keystone;
#   2. writes .keyform/demo/clouds.yaml, whose cloud `prod` is what examples/ names;
#   3. plays the cloud operator: some users (not all: one shows a replication remark),
#      and the registered limits unified-limit quotas need;
#   4. keyform plan → apply → plan (no changes) on examples/hcl;
#   5. an out-of-band change with the real `openstack` CLI, and the next plan catching it.
# Re-running it is fine: it reuses the running Keystone and converges from what it finds.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONFIG=${KEYFORM_DEMO_CONFIG:-examples/hcl}
DEMO_DIR=.keyform/demo
step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
show() { printf '$ %s\n' "$*" >&2; "$@"; }

step "Installing Keystone's Debian packages (skipped when present)"
bash test/openstack/install.sh keystone

step 'Bringing up the local Keystone (the test launcher; reused when one runs)'
UP=$(node engine/cli/run-ts.mjs test/openstack/launcher.ts up keystone --keep)
echo "$UP" >&2
STACK_CLOUDS=$(echo "$UP" | sed -n 's/^ *clouds.yaml: *\([^ ]*\).*/\1/p')
[ -f "$STACK_CLOUDS" ] || { echo "the launcher printed no clouds.yaml" >&2; exit 1; }

step "Writing $DEMO_DIR/clouds.yaml: cloud 'prod' (the replicator account examples/ names)"
mkdir -p "$DEMO_DIR"
node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  import { parse, stringify } from "yaml";
  const [from, to] = process.argv.slice(1);
  const { clouds } = parse(readFileSync(from, "utf8"));
  const out = { clouds: { prod: clouds.admin, "prod-metering": clouds.auditor } };
  writeFileSync(to, "# written by test/openstack/demo.sh for the local test Keystone\n" + stringify(out), { mode: 0o600 });
' "$STACK_CLOUDS" "$DEMO_DIR/clouds.yaml"
export OS_CLIENT_CONFIG_FILE=$PWD/$DEMO_DIR/clouds.yaml
unset OS_CLOUD OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME OS_TOKEN || true
echo "OS_CLIENT_CONFIG_FILE=$OS_CLIENT_CONFIG_FILE" >&2

# The operator's side, straight against Keystone's API with the stack's admin account (one
# `openstack token issue`, then curl: the openstack CLI takes seconds to start): keyform never
# creates users, and quotas in unified limits need the operator's registered defaults.
KEYSTONE=$(node --input-type=module -e '
  import { readFileSync } from "node:fs"; import { parse } from "yaml";
  process.stdout.write(parse(readFileSync(process.argv[1], "utf8")).clouds["admin-system"].auth.auth_url);
' "$STACK_CLOUDS")
TOKEN=$(OS_CLIENT_CONFIG_FILE=$STACK_CLOUDS OS_CLOUD=admin-system openstack token issue -f value -c id)
ks() { # METHOD PATH [JSON] -> the answer's body; a 409 (exists already) is fine
  curl -sS -X "$1" "$KEYSTONE$2" -H "x-auth-token: $TOKEN" -H 'content-type: application/json' ${3:+-d "$3"}
}
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

step 'As the cloud operator: the identity provider has created 4 of the 6 users examples/ binds'
for u in alice@acme.example bob@acme.example carol@acme.example dave@globex.example mallory@example.com; do
  ks POST /users "{\"user\": {\"name\": \"$u\", \"domain_id\": \"default\"}}" >/dev/null
  echo "user $u" >&2
done
echo '(erin@globex.example and ivan@audit.example do not exist yet: the plan will say so.)' >&2

step 'As the cloud operator: registered limits, the defaults unified-limit quotas override'
register() { # SERVICE_TYPE RESOURCE DEFAULT
  local svc
  svc=$(ks GET "/services?type=$1" | field "(d['services'] or [{'id': ''}])[0]['id']")
  [ -n "$svc" ] || svc=$(ks POST /services "{\"service\": {\"type\": \"$1\", \"name\": \"demo-$1\"}}" | field "d['service']['id']")
  ks POST /registered_limits "{\"registered_limits\": [{\"service_id\": \"$svc\", \"region_id\": \"RegionOne\", \"resource_name\": \"$2\", \"default_limit\": $3}]}" >/dev/null
  echo "registered limit: $1 $2 = $3 by default" >&2
}
register compute class:VCPU 10
register compute class:MEMORY_MB 20480
register volumev3 gigabytes 100
register network floatingip 1

step "keyform plan: what examples/ wants, against what Keystone has"
show npx keyform plan --config "$CONFIG"

step 'keyform apply: take the lock, check the plan is still fresh, apply in dependency order'
show npx keyform apply --config "$CONFIG" --auto-approve

step 'keyform plan again: nothing left to do (--detailed-exitcode: 0 = no changes)'
set +e
show npx keyform plan --config "$CONFIG" --detailed-exitcode
code=$?
set -e
[ "$code" = 0 ] || { echo "expected exit code 0 (no changes), got $code" >&2; exit 1; }
echo "exit code $code: no changes" >&2

step 'Out of band, with the real openstack CLI: someone adds a member by hand and removes a tag'
oscli() { OS_CLIENT_CONFIG_FILE=$STACK_CLOUDS OS_CLOUD=admin openstack "$@"; }
show oscli group add user --group-domain kf-acme --user-domain default acme.webshop-admin mallory@example.com
show oscli project set --domain kf-acme --remove-tag kf_cost_center=cc-42 acme.analytics

step 'keyform plan: the drift shows up (exit code 2 = changes present)'
set +e
show npx keyform plan --config "$CONFIG" --detailed-exitcode
code=$?
set -e
[ "$code" = 2 ] || { echo "expected exit code 2 (changes), got $code" >&2; exit 1; }
echo "exit code $code: keyform caught the out-of-band change; \`npx keyform apply --config $CONFIG\` would put it back." >&2

step "The same drift as Terraform's tools read it: a saved plan, \`keyform show -json\`, terraform-unidiff"
show npx keyform plan --config "$CONFIG" -out="$DEMO_DIR/drift.kfplan" -no-color > /dev/null
npx keyform show "$DEMO_DIR/drift.kfplan" -json > "$DEMO_DIR/drift.json"
show npx --no terraform-unidiff "$DEMO_DIR/drift.json"
