#!/usr/bin/env bash
# Builds every SDK example the way its author would and runs it with etl-runtime:
#   c-short             cc -std=c99 ... -Werror, nothing but the header
#   rust-source         cargo build --offline (skipped, saying so, when cargo is not installed)
#   swift-out-of-tree   swift build of a separate package that depends on the kit
# then one manifest loads each into a sink and the rows are checked. Usage:
#   Tests/SDKExamples/check_examples.sh [BUILD_DIR]      (default .build/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir="$(cd "$root" && cd "${1:-.build/debug}" && pwd)"
runtime="$build_dir/etl-runtime"
scratch="$root/.build/sdk-examples"   # example builds are kept between runs (incremental)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
plugins="$work/plugins"
mkdir -p "$plugins" "$work/out"
chmod 755 "$work" "$plugins"
passed=0

fail() { echo "FAIL: $*"; exit 1; }

# A plugin library exports etl_plugin_entry and nothing else.
one_export() {
  local exported
  exported="$(nm -D --defined-only "$1" | awk '$2 ~ /^[A-Z]$/ {print $3}')"
  [ "$exported" = "etl_plugin_entry" ] || fail "$1 exports: $(echo $exported)"
}

# c-short: the header and cc, nothing else.
cc -std=c99 -Wall -Wextra -pedantic -Werror -shared -fPIC -fvisibility=hidden -I "$root/SDK/include" \
  "$root/SDK/examples/c-short/etl_short.c" -o "$plugins/libetl_short_c.so"
one_export "$plugins/libetl_short_c.so"
examples="c-short"

# rust-source: cargo from PATH or rustup's default place; no dependencies, so --offline.
cargo="$(command -v cargo || true)"
[ -n "$cargo" ] || { [ -x "$HOME/.cargo/bin/cargo" ] && cargo="$HOME/.cargo/bin/cargo"; } || true
if [ -n "$cargo" ]; then
  manifest="$root/SDK/examples/rust-source/Cargo.toml"
  "$cargo" test --offline --quiet --manifest-path "$manifest" --target-dir "$scratch/rust-source" >/dev/null
  "$cargo" build --offline --quiet --manifest-path "$manifest" --target-dir "$scratch/rust-source"
  cp "$scratch/rust-source/debug/libetl_rust_source.so" "$plugins/"
  one_export "$plugins/libetl_rust_source.so"
  examples="$examples rust-source"
else
  echo "sdk examples: rust-source skipped: cargo is not installed (neither on PATH nor in ~/.cargo/bin)"
fi

# swift-out-of-tree: a package of its own, depending on the kit by path. SwiftPM does not
# notice that the etl-runtime manifest it depends on gained a target, so its kept build starts
# over whenever that manifest changes.
manifest_sum="$(sha256sum "$root/Package.swift" | cut -d' ' -f1)"
if [ "$(cat "$scratch/swift-out-of-tree.manifest" 2>/dev/null)" != "$manifest_sum" ]; then
  rm -rf "$scratch/swift-out-of-tree"
  mkdir -p "$scratch"
  echo "$manifest_sum" > "$scratch/swift-out-of-tree.manifest"
fi
swift build --package-path "$root/SDK/examples/swift-out-of-tree" --scratch-path "$scratch/swift-out-of-tree" \
  >"$work/swift-build.log" 2>&1 || { cat "$work/swift-build.log"; fail "swift-out-of-tree did not build"; }
cp "$scratch/swift-out-of-tree/debug/libetl_fizzbuzz.so" "$plugins/"
one_export "$plugins/libetl_fizzbuzz.so"
examples="$examples swift-out-of-tree"

# Every example library is listed as loadable, built for the ABI it says: the C and Swift examples
# for the header's own (1.4), the Rust one for the 1.1 its hand-written bindings declare.
cd "$work"
listing="$("$runtime" list-plugins --plugin-dir "$plugins")"
expect_plugin() {
  grep -qE "^$1 +$2 +[^ ]+ +${4//./\\.} .* $plugins/$3$" <<<"$listing" \
    || { echo "$listing"; fail "list-plugins does not show $1 ($2) from $3 built for ABI $4"; }
}
expect_plugin sequence source libetl_short_c.so 1.4
expect_plugin tsv_file sink libetl_short_c.so 1.4
expect_plugin fizzbuzz source libetl_fizzbuzz.so 1.4
[ -z "$cargo" ] || expect_plugin calendar source libetl_rust_source.so 1.1
grep -q "not loadable" <<<"$listing" && { echo "$listing"; fail "a library is not loadable"; }

# One manifest runs them all, twice: the second run resumes each entry.
calendar_source=""
calendar_entry=""
if [ -n "$cargo" ]; then
  calendar_source=', "cal": {"plugin": "calendar", "config": {"from": "2024-02-26", "days": 6}}'
  calendar_entry=', {"id": "days", "source": "cal", "stream": "days", "sink": "warehouse", "target": "days",
    "mode": "incremental", "write": "append", "cursor_field": "day", "batch_size": 4, "max_records_per_run": 5}'
fi
cat >plugins.json <<JSON
{"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
 "sources": {"numbers": {"plugin": "sequence", "config": {"count": 7}},
             "fb": {"plugin": "fizzbuzz", "config": {"up_to": 15}}$calendar_source},
 "sinks": {"file": {"plugin": "tsv_file", "config": {"path": "out/numbers.tsv"}},
           "warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
 "control_table": [
   {"id": "numbers", "source": "numbers", "stream": "sequence", "sink": "file", "target": "numbers",
    "mode": "incremental", "write": "append", "cursor_field": "n", "batch_size": 3, "max_records_per_run": 5},
   {"id": "fizz", "source": "fb", "stream": "numbers", "sink": "warehouse", "target": "fizz",
    "mode": "incremental", "write": "append", "cursor_field": "n", "batch_size": 4, "max_records_per_run": 10}
   $calendar_entry]}
JSON
for round in 1 2; do
  "$runtime" run >"$work/run$round.log" 2>&1 || { cat "$work/run$round.log"; fail "etl-runtime run (round $round) failed"; }
done

expected_tsv="$(for n in 1 2 3 4 5 6 7; do printf '%s\trow %s\n' "$n" "$n"; done)"
[ "$(cat out/numbers.tsv)" = "$expected_tsv" ] || { cat out/numbers.tsv; fail "c-short: out/numbers.tsv is not rows 1-7"; }
words="$(sqlite3 warehouse.db "SELECT group_concat(word, ' ') FROM (SELECT word FROM fizz ORDER BY n)")"
[ "$words" = "1 2 Fizz 4 Buzz Fizz 7 8 Fizz Buzz 11 Fizz 13 14 FizzBuzz" ] || fail "swift-out-of-tree: fizz holds: $words"
if [ -n "$cargo" ]; then
  days="$(sqlite3 warehouse.db "SELECT group_concat(weekday || '/' || weekend, ' ') FROM (SELECT * FROM days ORDER BY day)")"
  [ "$days" = "Monday/0 Tuesday/0 Wednesday/0 Thursday/0 Friday/0 Saturday/1" ] || fail "rust-source: days holds: $days"
fi
passed=$(wc -w <<<"$examples")
echo "sdk examples: $passed built and run ($examples)"
