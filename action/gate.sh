#!/usr/bin/env bash
# The blastgate action's entry: gate the pull request, write the step
# summary, annotate the changed code, comment on the pull request, and exit
# with the gate's exit code (0 pass, 1 the gate failed, 2 error). The exit
# code and the step summary are the contract; the comment is extra.
#
# Environment: BLASTGATE (the binary), INPUT_RESULTS, INPUT_RUN_TESTS,
# INPUT_BASE, INPUT_CONFIG, INPUT_CACHE_DIR, INPUT_COMMENT, INPUT_ARGS, and
# what GitHub Actions sets: GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP,
# GITHUB_WORKSPACE, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL,
# GITHUB_TOKEN (the comment's token: only blastgate comment sees it).
set -uo pipefail

bg="${BLASTGATE:-blastgate}"

# Secrets never reach the pull request's code. blastgate run, plan and check
# build the pull request and run its tests (go list compiles, run-tests runs):
# they get the environment without GitHub's tokens, the comment token under
# any name, and any variable whose value holds that token. Only blastgate comment
# gets the token back, as GITHUB_TOKEN.
comment_token="${GITHUB_TOKEN:-}"
secret_names=(GITHUB_TOKEN GH_TOKEN GITHUB_PAT INPUT_GITHUB_TOKEN INPUT_GITHUB-TOKEN INPUT_TOKEN
  ACTIONS_RUNTIME_TOKEN ACTIONS_ID_TOKEN_REQUEST_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL)
while IFS= read -r -d '' kv; do
  name="${kv%%=*}"
  value="${kv#*=}"
  if [ -n "$comment_token" ] && { [ "$value" = "$comment_token" ] ||
    { [ ${#comment_token} -ge 16 ] && [[ "$value" == *"$comment_token"* ]]; }; }; then
    secret_names+=("$name")
  fi
done < <(env -0)
scrub=()
for name in "${secret_names[@]}"; do scrub+=(-u "$name"); done
untrusted() { # untrusted CMD...: run CMD without the secrets above
  env "${scrub[@]}" "$@"
}
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
report="$tmp/blastgate-report.json"
errors="$tmp/blastgate-errors.txt"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
outputs="${GITHUB_OUTPUT:-/dev/null}"

fail() { # fail CODE MESSAGE: an error annotation, a summary line, exit
  echo "::error title=blastgate::$2"
  printf '### ❌ blastgate could not decide\n\n%s\n' "$2" >> "$summary"
  exit "$1"
}

base="${INPUT_BASE:-}"
[ -n "$base" ] || fail 2 "no base revision: run the action on pull_request events, or set its base input"

global=()
[ -n "${INPUT_CONFIG:-}" ] && global+=(--config "$INPUT_CONFIG")
if [ -n "${INPUT_CACHE_DIR:-}" ]; then
  # As actions/cache reads its path: ~ is the home directory, and a
  # relative path is relative to the workspace, not working-directory.
  cache_dir="$INPUT_CACHE_DIR"
  case "$cache_dir" in
    "~") cache_dir="$HOME" ;;
    "~/"*) cache_dir="$HOME/${cache_dir#"~/"}" ;;
    /*) ;;
    *) cache_dir="${GITHUB_WORKSPACE:-$PWD}/$cache_dir" ;;
  esac
  global+=(--cache-dir "$cache_dir")
fi
read -r -a extra <<< "${INPUT_ARGS:-}"

if [ "${INPUT_RUN_TESTS:-false}" = true ]; then
  echo "::group::blastgate run"
  untrusted "$bg" "${global[@]}" --format json run --base "$base" "${extra[@]}" > "$report" 2> >(tee "$errors" >&2)
  code=$?
  echo "::endgroup::"
else
  shopt -s nullglob
  files=()
  for pattern in ${INPUT_RESULTS:-}; do
    matched=($pattern)
    files+=("${matched[@]}")
  done
  shopt -u nullglob
  [ ${#files[@]} -gt 0 ] || fail 2 "no test results match '${INPUT_RESULTS:-}': set results to your go test -json output (or JUnit XML), or set run-tests: true"
  untrusted "$bg" "${global[@]}" --format json check --base "$base" --results "${files[@]}" "${extra[@]}" > "$report" 2> >(tee "$errors" >&2)
  code=$?
fi
wait # for tee

if [ "$code" -ge 2 ] || [ ! -s "$report" ]; then
  message="$(grep -v '^run .blastgate help' "$errors" | tail -n 1)"
  fail 2 "${message:-blastgate failed without a report (exit $code)}"
fi

echo "report=$report" >> "$outputs"
untrusted "$bg" annotate --report "$report" --outputs "$outputs" || fail 2 "could not annotate the report"
untrusted "$bg" --format markdown render < "$report" >> "$summary" || fail 2 "could not render the report"

# blastgate comment exits 0, with its own warning, when the token may not
# comment (a fork's): that is not a failure, even under required. Any other
# failure is a warning (true) or fails the step (required).
comment="${INPUT_COMMENT:-true}"
case "$comment" in
  true | required)
    if ! untrusted GITHUB_TOKEN="$comment_token" "$bg" comment --report "$report"; then
      [ "$comment" = required ] && fail 2 "the pull request comment failed (comment: required)"
      echo "::warning title=blastgate::the pull request comment failed; the verdict stands in the exit code and the step summary"
    fi
    ;;
  false) ;;
  *) fail 2 "comment must be true, required or false, not '$comment'" ;;
esac

exit "$code"
