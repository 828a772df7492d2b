#!/usr/bin/env bash
# Makes an installed tree run without a Swift toolchain (called by `make install`).
#   bundle_swift_runtime.sh ROOT TOOLCHAIN
# ROOT holds bin/etl-runtime and lib/etl-runtime/plugins/libetl_*.so as the build left them;
# TOOLCHAIN is the Swift toolchain's folder (/opt/swift). Every library they load from the
# toolchain is copied ONCE into lib/etl-runtime/swift, and their RUNPATHs are rewritten to
# find it from where they are: two copies of the Swift runtime in one process (one for the
# binary, one for a plugin) would mean two type systems and two heaps of metadata.
# Everything else they load must come from a Debian package (make dist lists them as Depends).
set -euo pipefail
root="$1"
toolchain="$(cd "$2" && pwd -P)"
swiftdir="$root/lib/etl-runtime/swift"

binary="$root/bin/etl-runtime"
shopt -s nullglob
plugins=("$root"/lib/etl-runtime/plugins/libetl_*.so)
[ -x "$binary" ] || { echo "bundle_swift_runtime: $binary is missing: run it on an installed tree" >&2; exit 1; }

# ldd lists the whole closure (what the libraries need too), resolved as the loader would.
# Read before the RUNPATHs change, while they still point into the toolchain.
declare -A from_toolchain=()
for elf in "$binary" "${plugins[@]}"; do
  while read -r soname path; do
    case "$path" in
      "$toolchain"/*) from_toolchain["$soname"]="$path" ;;
      "not found") echo "bundle_swift_runtime: $elf needs $soname, which the loader cannot find" >&2; exit 1 ;;
    esac
  done < <(ldd "$elf" | awk '$2 == "=>" { print $1, ($3 == "not" ? "not found" : $3) }')
done

rm -rf "$swiftdir"
install -d "$swiftdir"
for soname in "${!from_toolchain[@]}"; do
  # By its soname, the name the loader looks for (the toolchain's file may be a link).
  install -m 644 "$(realpath "${from_toolchain[$soname]}")" "$swiftdir/$soname"
  patchelf --set-rpath '$ORIGIN' "$swiftdir/$soname"
done

patchelf --set-rpath '$ORIGIN/../lib/etl-runtime/swift' "$binary"
for plugin in "${plugins[@]}"; do
  patchelf --set-rpath '$ORIGIN/../swift' "$plugin"
done

# What is installed must not lean on the toolchain any more, whatever the loader would find.
for elf in "$binary" "${plugins[@]}" "$swiftdir"/*.so; do
  if readelf -d "$elf" | grep -E 'R(UN)?PATH' | grep -qF "$toolchain"; then
    echo "bundle_swift_runtime: $elf still has a RUNPATH into $toolchain" >&2; exit 1
  fi
  if ldd "$elf" | grep -qF "$toolchain/"; then
    echo "bundle_swift_runtime: $elf still loads a library from $toolchain:" >&2
    ldd "$elf" | grep -F "$toolchain/" >&2; exit 1
  fi
done
echo "Bundled ${#from_toolchain[@]} Swift runtime libraries into $swiftdir"
