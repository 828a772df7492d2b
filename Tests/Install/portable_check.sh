#!/usr/bin/env bash
# The installed tree runs on a machine without a Swift toolchain: make install, and the
# tarball and the .deb of make dist (built from the debug build, to spare make test a release
# build), each run the census sample with the toolchain's folder hidden under an empty tmpfs
# in a mount namespace of their own.
#   portable_check.sh TOOLCHAIN        (TOOLCHAIN: the Swift toolchain's folder, e.g. /opt/swift)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
self="$root/Tests/Install/portable_check.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

without_toolchain() {
  # Root (here and in CI) makes a mount namespace; anyone else gets one inside a user namespace.
  local as_root=()
  [ "$(id -u)" = 0 ] || as_root=(--map-root-user)
  unshare "${as_root[@]}" --mount --propagation private -- "$self" --hide-toolchain "$TOOLCHAIN" "$@"
}

# Every ELF file of the tree at PREFIX loads with the toolchain hidden, each Swift library from
# the tree's own one copy, and nothing names the toolchain in its RUNPATH.
check_libraries() {
  local prefix="$1" label="$2" elf soname path
  local swiftdir="$prefix/lib/etl-runtime/swift"
  [ ! -e "$TOOLCHAIN/usr/bin/swift" ] || fail "$label: the toolchain is not hidden"
  [ -f "$swiftdir/libswiftCore.so" ] || fail "$label: no libswiftCore.so in $swiftdir"
  for elf in "$prefix/bin/etl-runtime" "$prefix"/lib/etl-runtime/plugins/*.so "$swiftdir"/*.so; do
    local resolved
    resolved="$(ldd "$elf")" || fail "$label: ldd $elf failed"
    ! grep -q "not found" <<<"$resolved" || fail "$label: $elf does not resolve without the toolchain:
$(grep "not found" <<<"$resolved")"
    if readelf -d "$elf" | grep -E 'R(UN)?PATH' | grep -qF "$TOOLCHAIN"; then
      fail "$label: $elf has a RUNPATH into $TOOLCHAIN: $(readelf -d "$elf" | grep -E 'R(UN)?PATH')"
    fi
    while read -r soname path; do
      if [ -e "$swiftdir/$soname" ] && [ "$(realpath "$path")" != "$(realpath "$swiftdir/$soname")" ]; then
        fail "$label: $elf loads $soname from $path, not from the tree's one copy in $swiftdir"
      fi
    done < <(awk '$2 == "=>" { print $1, $3 }' <<<"$resolved")
  done
}

# The three commands a new user tries first, from the tree at PREFIX, in WORK.
smoke() {
  local prefix="$1" label="$2" work="$3"
  local etl="$prefix/bin/etl-runtime" out
  export ETL_PLUGIN_PROBE_CACHE="$work/probe-cache"
  check_libraries "$prefix" "$label"

  out="$("$etl" --version 2>"$work/stderr")" || fail "$label: etl-runtime --version failed: $(cat "$work/stderr")"
  [ "$out" = "$EXPECTED_VERSION" ] || fail "$label: --version printed '$out', the build prints '$EXPECTED_VERSION'"
  [ ! -s "$work/stderr" ] || fail "$label: --version wrote to stderr: $(cat "$work/stderr")"

  out="$("$etl" list-plugins 2>"$work/stderr")" || fail "$label: list-plugins failed: $(cat "$work/stderr")"
  [ ! -s "$work/stderr" ] || fail "$label: list-plugins wrote to stderr: $(cat "$work/stderr")"
  local library
  for library in "$prefix"/lib/etl-runtime/plugins/libetl_*.so; do
    grep -qF " $library" <<<"$out" || fail "$label: list-plugins does not list $library:
$out"
  done

  # The default manifest with absolute paths into WORK (and the sample data where it is).
  python3 - "$root" "$work" >"$work/manifest.json" <<'EOF'
import json, sys
root, work = sys.argv[1], sys.argv[2]
manifest = json.load(open(f"{root}/plugins.json"))
manifest.pop("plugin_dirs", None)  # the built-in plugins are found next to the binary
manifest["state"]["path"] = f"{work}/state.db"
census = manifest["sources"]["census"]["config"]
census["path"] = f"{root}/{census['path']}"
manifest["sinks"]["warehouse"]["config"]["path"] = f"{work}/warehouse.db"
json.dump(manifest, sys.stdout, indent=1)
EOF
  (cd "$work" && "$etl" run --manifest "$work/manifest.json" >"$work/run.log" 2>&1) \
    || fail "$label: run of the census sample failed: $(cat "$work/run.log")"
  local rows stage_rows
  rows="$(sqlite3 "$work/warehouse.db" 'SELECT count(*) FROM adult')"
  [ "$rows" = "$CENSUS_ROWS" ] || fail "$label: adult holds $rows rows, the sample $CENSUS_ROWS"
  stage_rows="$(sqlite3 "$work/warehouse.db" 'SELECT count(*) FROM stage_adult')"
  [ "$stage_rows" = "$STAGE_LIMIT" ] || fail "$label: stage_adult holds $stage_rows rows, expected one run's $STAGE_LIMIT"
}

# The modes the script calls itself in, inside the namespace: cover the toolchain with an
# empty tmpfs, then run the rest of the command line; smoke one tree.
case "${1:-}" in
  --hide-toolchain) mount -t tmpfs -o mode=755 etl-no-toolchain "$2"; shift 2; exec "$@" ;;
  --smoke) shift; smoke "$@"; exit 0 ;;
esac

TOOLCHAIN="$(cd "$1" && pwd -P)"
[ -x "$TOOLCHAIN/usr/bin/swift" ] || fail "$TOOLCHAIN is not a Swift toolchain (no usr/bin/swift)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# What the trees must show, read while the toolchain is still there.
CENSUS_ROWS="$(grep -c . "$root/examples/data/adult.data")"
STAGE_LIMIT="$(python3 -c 'import json, sys
print(next(e for e in json.load(open(sys.argv[1]))["control_table"] if e["id"] == "adult_stage")["max_records_per_run"])' "$root/plugins.json")"
EXPECTED_VERSION="$("$root/.build/debug/etl-runtime" --version)"
export TOOLCHAIN CENSUS_ROWS STAGE_LIMIT EXPECTED_VERSION
version="$(awk '{ print $2 }' <<<"$EXPECTED_VERSION")"
checked=0
smoke_without_toolchain() {
  mkdir -p "$work/$2"
  without_toolchain "$self" --smoke "$1" "$2" "$work/$2"
  checked=$((checked + 1))
}

# 1. make install
make -s -C "$root" install PREFIX="$work/prefix" CONFIG=debug >/dev/null
smoke_without_toolchain "$work/prefix" "make install"

# 2. make dist: the tarball is one folder holding exactly what make install installs, owned by root.
make -s -C "$root" dist DIST_DIR="$work/dist" CONFIG=debug >/dev/null
name="etl-runtime-$version-linux-$(uname -m)"
tarball="$work/dist/$name.tar.gz"
[ -f "$tarball" ] || fail "make dist wrote no $name.tar.gz: $(ls "$work/dist")"
! tar -tzf "$tarball" | grep -v "^$name/" >/dev/null || fail "$tarball has entries outside $name/"
! tar -tvzf "$tarball" | awk '{ print $2 }' | grep -v '^root/root$' >/dev/null || fail "$tarball has files not owned by root"
diff <(tar -tzf "$tarball" | grep -v '/$' | sed "s|^$name/||" | sort) \
     <(cd "$work/prefix" && find . ! -type d | sed 's|^\./||' | sort) \
  || fail "$tarball does not hold what make install installs (diff above: < tarball, > installed)"
mkdir "$work/unpacked"
tar -C "$work/unpacked" -xzf "$tarball"
smoke_without_toolchain "$work/unpacked/$name" "tarball"
# Wherever it is unpacked, its etl-plugin.pc points at its own header and plugins.
cflags="$(echo $(PKG_CONFIG_PATH="$work/unpacked/$name/lib/pkgconfig" pkg-config --cflags etl-plugin))"
[ -f "${cflags#-I}/etl_plugin.h" ] || fail "the tarball's pkg-config --cflags etl-plugin is '$cflags': no etl_plugin.h there"
plugindir="$(PKG_CONFIG_PATH="$work/unpacked/$name/lib/pkgconfig" pkg-config --variable=plugindir etl-plugin)"
[ "$(realpath "$plugindir")" = "$work/unpacked/$name/lib/etl-runtime/plugins" ] || fail "the tarball's plugindir is '$plugindir'"

# 3. the .deb: into /usr, its Depends name the package of every system library its files load.
deb="$work/dist/etl-runtime_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "make dist wrote no $(basename "$deb"): $(ls "$work/dist")"
[ "$(dpkg-deb -f "$deb" Package)" = etl-runtime ] || fail "$deb: Package is not etl-runtime"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$deb: Version is not $version"
depends="$(dpkg-deb -f "$deb" Depends)"
dpkg-deb -x "$deb" "$work/deb"
[ "$(PKG_CONFIG_PATH="$work/deb/usr/lib/pkgconfig" pkg-config --variable=prefix etl-plugin)" = /usr ] \
  || fail "$deb: etl-plugin.pc's prefix is not /usr"
owner_of() {  # the Debian package holding a library, under either name merged /usr gives it
  local candidate
  for candidate in "$1" "${1#/usr}" "/usr$1" "$(realpath "$1")"; do
    dpkg -S "$candidate" 2>/dev/null | grep -v '^diversion' | head -1 | cut -d: -f1 && return 0
  done
  return 1
}
# The libraries the files name themselves (DT_NEEDED; what those need in turn is their
# packages' own Depends), wherever the loader finds them, less the tree's own.
needed_system_libraries() {
  local elf soname resolved
  for elf in "$work/deb/usr/bin/etl-runtime" "$work"/deb/usr/lib/etl-runtime/{plugins,swift}/*.so; do
    resolved="$(ldd "$elf")"
    for soname in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      awk -v soname="$soname" '$1 == soname && $2 == "=>" { print $3 } $1 ~ ("/" soname "$") { print $1 }' <<<"$resolved"
    done
  done | grep -v "^$work/deb/" | sort -u
}
system_libraries="$(needed_system_libraries)"
grep -q libcurl <<<"$system_libraries" || fail "$deb: its files do not seem to load libcurl (the http plugin does): $system_libraries"
while read -r library; do
  package="$(owner_of "$library")" || fail "$deb: $library, which its files load, belongs to no Debian package"
  tr ',|' '\n\n' <<<"$depends" | awk '{ print $1 }' | grep -qxF "$package" || fail "$deb: Depends lacks $package (for $library): $depends"
done <<<"$system_libraries"
smoke_without_toolchain "$work/deb/usr" ".deb"

echo "portable check: $checked passed, 0 failed (make install, tarball, .deb with $TOOLCHAIN hidden; Depends: $depends)"
