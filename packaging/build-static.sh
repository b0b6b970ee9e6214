#!/usr/bin/env bash
# Builds static Korobka binaries (musl, no shared libraries: they run on any Linux of the
# architecture, including NAS boxes and `FROM scratch` containers).
#
#   packaging/build-static.sh            # x86_64, plus aarch64 when its target and linker exist
#   TARGETS="aarch64-unknown-linux-musl" packaging/build-static.sh
#
# Needs: rustup, `rustup target add x86_64-unknown-linux-musl`, and a C compiler for musl
# (zstd in the search engine is C): `apt-get install musl-tools` on Debian/Ubuntu.
# For aarch64: `rustup target add aarch64-unknown-linux-musl` and a cross compiler named
# aarch64-linux-musl-gcc (musl.cc toolchain) or aarch64-linux-gnu-gcc (Debian's
# gcc-aarch64-linux-gnu).
# Output: dist/korobka-<version>-<target> and a SHA256SUMS file.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
installed=$(rustup target list --installed)

if [[ -z "${TARGETS:-}" ]]; then
  TARGETS="x86_64-unknown-linux-musl"
  if grep -qx aarch64-unknown-linux-musl <<<"$installed"; then
    if command -v aarch64-linux-musl-gcc >/dev/null || command -v aarch64-linux-gnu-gcc >/dev/null; then
      TARGETS="$TARGETS aarch64-unknown-linux-musl"
    else
      echo "note: aarch64 target installed but no aarch64 cross compiler found; skipping it" >&2
    fi
  else
    echo "note: skipping aarch64 (rustup target add aarch64-unknown-linux-musl, and a cross compiler, to build it)" >&2
  fi
fi

mkdir -p dist
for target in $TARGETS; do
  if ! grep -qx "$target" <<<"$installed"; then
    echo "error: target $target is not installed: rustup target add $target" >&2
    exit 1
  fi
  case "$target" in
    x86_64-unknown-linux-musl)
      if command -v musl-gcc >/dev/null; then export CC_x86_64_unknown_linux_musl=musl-gcc; fi
      ;;
    aarch64-unknown-linux-musl)
      cc=$(command -v aarch64-linux-musl-gcc || command -v aarch64-linux-gnu-gcc)
      export CC_aarch64_unknown_linux_musl="$cc"
      export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER="$cc"
      ;;
  esac
  echo "building $target (release, about 7 minutes on 2 cores)…" >&2
  RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
    cargo build --release --locked --target "$target"
  out="dist/korobka-$version-$target"
  cp "${CARGO_TARGET_DIR:-target}/$target/release/korobka" "$out"
  if command -v file >/dev/null; then file "$out"; fi
  if ldd "$out" 2>&1 | grep -q "=>"; then
    echo "error: $out links shared libraries" >&2
    exit 1
  fi
  echo "$out: $(du -h "$out" | cut -f1) ($(stat -c %s "$out") bytes)"
done
(cd dist && sha256sum korobka-"$version"-* > SHA256SUMS)
echo "checksums in dist/SHA256SUMS"
