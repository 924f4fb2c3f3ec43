#!/usr/bin/env bash
# Risk-of-bias tool definitions (lib/rob-tools/*.json): each one validates
# against schemas/rob-tool.schema.json, and the schema refuses what it must.
# (The library's own checks of the definitions are in tests/unit/test_rob.cpp.)
. "$(dirname "$0")/test-lib.sh"

TOOLS="$LITREV_SOURCE_DIR/lib/rob-tools"
SCHEMA="$SCHEMAS/rob-tool.schema.json"
VALIDATE="$LITREV_SOURCE_DIR/tests/cli/validate_json.py"

begin "the schema is a valid JSON Schema (draft 2020-12)"
run "$PYTHON" -c 'import json, sys, jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1]))); print("ok")' "$SCHEMA"
expect_exit 0
expect_eq "$out" "ok"

begin "every tool and variant has a definition"
expect_eq "$(cd "$TOOLS" && LC_ALL=C ls *.json | tr '\n' ' ')" \
  "quadas-2.json rob1.json rob2-cluster.json rob2-parallel-itt.json rob2-parallel-pp.json robins-e.json robins-i-v2.json robins-i.json "

begin "every definition validates against the schema"
for f in "$TOOLS"/*.json; do
  run "$PYTHON" "$VALIDATE" "$SCHEMA" "$f"
  expect_exit 0
  expect_eq "$out" "1 valid"
done

begin "each definition's id is its file name"
for f in "$TOOLS"/*.json; do
  id=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$f")
  expect_eq "$id.json" "$(basename "$f")"
done

begin "ROBINS-I V2 is labelled a draft, and only it"
for f in "$TOOLS"/*.json; do
  status=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["status"])' "$f")
  case "$(basename "$f")" in
    robins-i-v2.json) expect_eq "$status" "draft" ;;
    *) expect_eq "$status" "official" ;;
  esac
done

# A copy of a definition with one thing broken by the Python snippet $2.
broken() {
  "$PYTHON" - "$TOOLS/rob2-parallel-itt.json" "$1" <<PY
import json, sys
t = json.load(open(sys.argv[1]))
$2
json.dump(t, open(sys.argv[2], "w"))
PY
}

begin "the schema refuses malformed definitions"
broken no-id.json 'del t["id"]'
broken bad-answer.json 't["domains"][0]["questions"][0]["answers"].append("Maybe")'
broken bad-condition.json 't["domains"][1]["questions"][2]["asked_if"] = {"question": "2.1"}'
broken bad-algorithm.json 't["domains"][0]["algorithm"] = "rob2-2019-d9"'
broken bad-status.json 't["status"] = "final"'
broken bad-question-id.json 't["domains"][0]["questions"][0]["id"] = "one"'
broken extra-key.json 't["domains"][0]["colour"] = "red"'
for f in no-id bad-answer bad-condition bad-algorithm bad-status bad-question-id extra-key; do
  run "$PYTHON" "$VALIDATE" "$SCHEMA" "$f.json"
  expect_exit 1
  expect_contains "$err" "$f.json: document 1"
done

done_testing
