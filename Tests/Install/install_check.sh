#!/usr/bin/env bash
# What a third-party plugin author does after `make install`: find the header with
# pkg-config, build a plugin with cc alone, and see it listed by the installed binary
# next to the built-in plugins from PREFIX/lib/etl-runtime/plugins.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

make -s -C "$root" install PREFIX="$prefix" CONFIG=debug >/dev/null

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cflags="$(echo $(pkg-config --cflags etl-plugin))"  # pkg-config pads with a space
[ "$cflags" = "-I$prefix/include" ] || { echo "FAIL: pkg-config --cflags etl-plugin gave '$cflags'"; exit 1; }
plugindir="$(pkg-config --variable=plugindir etl-plugin)"
[ "$plugindir" = "$prefix/lib/etl-runtime/plugins" ] || { echo "FAIL: plugindir is '$plugindir'"; exit 1; }

mkdir "$work/third-party"
# shellcheck disable=SC2086
cc -std=c99 -Wall -Wextra -pedantic -Werror -shared -fPIC -fvisibility=hidden $cflags \
  "$root/Tests/PluginABITests/Fixtures/tiny_source.c" -o "$work/third-party/libetl_tiny_source.so"

[ "$(pkg-config --modversion etl-plugin)" = "1.4.0" ] || { echo "FAIL: pkg-config --modversion etl-plugin"; exit 1; }
# The short example reads its config through the host (ABI 1.1 and later): built here against the installed header.
# shellcheck disable=SC2086
cc -std=c99 -Wall -Wextra -pedantic -Werror -shared -fPIC -fvisibility=hidden $cflags \
  "$root/SDK/examples/c-short/etl_short.c" -o "$work/third-party/libetl_short_c.so"

cd "$work"
listing="$("$prefix/bin/etl-runtime" list-plugins --plugin-dir "$work/third-party")"
expect() {
  grep -qE "$1" <<<"$listing" || { echo "FAIL: list-plugins output lacks /$1/:"; echo "$listing"; exit 1; }
}
expect "^tiny +source .* $work/third-party/libetl_tiny_source.so$"
expect "^sequence +source +1\.0\.0 +1\.4 .* $work/third-party/libetl_short_c.so$"
expect "^tsv_file +sink +1\.0\.0 +1\.4 .* $work/third-party/libetl_short_c.so$"
expect "^lines +source .* $prefix/lib/etl-runtime/plugins/libetl_example_c.so$"
expect "^jsonl +sink .* $prefix/lib/etl-runtime/plugins/libetl_example_jsonl.so$"
"$prefix/bin/etl-runtime" --version | grep -q "plugin ABI 1.4" || { echo "FAIL: --version"; exit 1; }
echo "install check: 1 passed, 0 failed"
