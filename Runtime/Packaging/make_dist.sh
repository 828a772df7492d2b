#!/usr/bin/env bash
# make dist: the installed tree (make install, Swift runtime bundled) packed two ways.
#   make_dist.sh OUT_DIR CONFIG
# OUT_DIR/etl-runtime-VERSION-linux-ARCH.tar.gz  one folder, relocatable (every path in it is
#                                                relative: $ORIGIN RUNPATHs, a pcfiledir prefix)
# OUT_DIR/etl-runtime_VERSION_DEBARCH.deb        the same tree under /usr, built with dpkg-deb; its
#                                                Depends are the Debian packages that provide the
#                                                libraries the files load, as dpkg-shlibdeps finds them
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
config="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

make -s -C "$root" install PREFIX="$work/tree" CONFIG="$config" PC_PREFIX='$${pcfiledir}/../..' >/dev/null
# The version is the one the binary reports (etl-runtime 0.1.0 (plugin ABI 1.2)).
version="$("$work/tree/bin/etl-runtime" --version | awk '{ print $2 }')"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "make_dist: cannot read the version from etl-runtime --version" >&2; exit 1; }

name="etl-runtime-$version-linux-$(uname -m)"
mv "$work/tree" "$work/$name"
tar -C "$work" --owner=0 --group=0 -czf "$out/$name.tar.gz" "$name"
echo "Wrote $out/$name.tar.gz"

# dpkg-shlibdeps wants to run next to debian/control, on the package's tree in debian/PACKAGE.
package="$work/deb/debian/etl-runtime"
make -s -C "$root" install PREFIX=/usr DESTDIR="$package" CONFIG="$config" >/dev/null
printf 'Source: etl-runtime\n\nPackage: etl-runtime\nArchitecture: any\n' >"$work/deb/debian/control"
elves=("$package"/usr/bin/etl-runtime "$package"/usr/lib/etl-runtime/plugins/*.so "$package"/usr/lib/etl-runtime/swift/*.so)
# -l: the bundled Swift runtime is found in the package itself, so it needs no Depends.
depends="$(cd "$work/deb" && dpkg-shlibdeps -O -l"$package/usr/lib/etl-runtime/swift" "${elves[@]}" 2>"$work/shlibdeps.log" \
  | sed -n 's/^shlibs:Depends=//p')" || { cat "$work/shlibdeps.log" >&2; exit 1; }
[ -n "$depends" ] || { echo "make_dist: dpkg-shlibdeps found no Depends" >&2; cat "$work/shlibdeps.log" >&2; exit 1; }

arch="$(dpkg --print-architecture)"
maintainer="${DEB_MAINTAINER:-$(git -C "$root" log -1 --format='%an <%ae>')}"
mkdir "$package/DEBIAN"
cat >"$package/DEBIAN/control" <<EOF
Package: etl-runtime
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$package" | cut -f1)
Depends: $depends
Section: utils
Priority: optional
Description: ETL runtime with Arrow-based source and sink plugins
 One native binary reads a JSON manifest of sources, sinks and control-table entries,
 loads source and sink plugins (shared libraries built against one C header) and keeps
 watermarks and a history of every run. Ships its built-in plugins, the plugin header,
 etl-plugin.pc and the Swift runtime it and its Swift plugins link (in /usr/lib/etl-runtime).
EOF
dpkg-deb --root-owner-group --build "$package" "$out/etl-runtime_${version}_${arch}.deb" >/dev/null
echo "Wrote $out/etl-runtime_${version}_${arch}.deb (Depends: $depends)"
