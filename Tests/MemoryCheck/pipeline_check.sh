#!/bin/sh
# The default pipeline (census sample: csv → sqlite, a full and an incremental entry, the
# engine's read-ahead thread included), run in-process by the real etl-runtime under valgrind: no
# invalid memory access, no definite leak. Valgrind 3.19 (Debian 12) cannot read the DWARF 5
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
cd "$work"
if ! valgrind --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
    --suppressions="$root/Tests/MemoryCheck/valgrind.supp" --error-exitcode=99 --log-file=valgrind.log \
    bin/etl-runtime run --in-process --manifest plugins.json >/dev/null 2>run.log; then
  cat run.log
  grep -v 'dwarf\|DW_FORM\|debug info\|debuginfo' valgrind.log
  echo "memory-check: the default pipeline failed under valgrind (report above)"
  exit 1
fi
grep -c 'status=ok' run.log | grep -qx 2 || { cat run.log; echo "memory-check: the pipeline's entries did not both succeed"; exit 1; }
grep -E 'definitely lost|ERROR SUMMARY' valgrind.log | sed 's/^==[0-9]*== /valgrind (pipeline): /'
