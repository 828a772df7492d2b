#!/bin/sh
# The default pipeline (census sample: csv → sqlite, a full and an incremental entry) and the
# layered example (transforms, an scd2 dimension, an SQL model, depends_on), run by the real
# etl-runtime under valgrind, following it into its plugin probe and the worker
# process of each entry (where the engine and its read-ahead thread run): no invalid memory
# access, no definite leak, in any of them. Valgrind 3.19 (Debian 12) cannot read the DWARF 5
# debug info of Swift binaries, so it runs stripped copies of the runtime and the plugins.
# Usage: Tests/MemoryCheck/pipeline_check.sh BUILD_DIR   (from the repository root)
set -eu
build_dir=$1
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
for file in "$build_dir"/etl-runtime "$build_dir"/libetl_*.so; do
  strip -o "$work/bin/$(basename "$file")" "$file"
done
sed "s|\"examples/data/|\"$root/examples/data/|g" plugins.json > "$work/plugins.json"
# Runs `bin/etl-runtime run` on manifest $2 in folder $1 under valgrind and expects $3 entries ok.
check_pipeline() {
  folder=$1 manifest=$2 expected=$3
  (
    cd "$folder"
    # A private probe cache, so the probe child runs (and is checked) every time.
    if ! ETL_PLUGIN_PROBE_CACHE="$folder/probe-cache" valgrind --trace-children=yes --leak-check=full \
        --show-possibly-lost=no --errors-for-leak-kinds=definite \
        --suppressions="$root/Tests/MemoryCheck/valgrind.supp" --error-exitcode=99 --log-file=valgrind.%p.log \
        "$work/bin/etl-runtime" run --manifest "$manifest" >/dev/null 2>run.log; then
      cat run.log
      cat valgrind.*.log | grep -v 'dwarf\|DW_FORM\|debug info\|debuginfo'
      echo "memory-check: $manifest failed under valgrind (report above)"
      exit 1
    fi
    grep -c 'status=ok' run.log | grep -qx "$expected" || { cat run.log; echo "memory-check: the entries of $manifest did not all succeed"; exit 1; }
    processes=$(ls valgrind.*.log | wc -l)
    [ "$processes" -gt "$expected" ] || { echo "memory-check: valgrind saw $processes processes, expected the run and its workers"; exit 1; }
    if grep -L 'ERROR SUMMARY: 0 errors' valgrind.*.log | grep -q .; then
      cat valgrind.*.log | grep -v 'dwarf\|DW_FORM\|debug info\|debuginfo'
      echo "memory-check: valgrind found errors in a process of $manifest (report above)"
      exit 1
    fi
    echo "valgrind ($manifest): $processes processes (run, plugin probe, entry workers): 0 errors, 0 bytes definitely lost"
  )
}

check_pipeline "$work" plugins.json 2
mkdir -p "$work/layered/data"
cp "$root/examples/layered/layered.json" "$work/layered/"
cp "$root/examples/layered/extracts/day1/"*.csv "$work/layered/data/"
check_pipeline "$work/layered" layered.json 4
