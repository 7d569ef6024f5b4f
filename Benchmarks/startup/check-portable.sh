#!/usr/bin/env bash
# Fails unless a binary can run on Amazon Linux 2023 / provided.al2023: no shared library beyond
# libc, libm, libstdc++, libgcc_s and libz, and no symbol needing glibc newer than 2.34.
#   Benchmarks/startup/check-portable.sh BINARY
set -euo pipefail
binary="$1"
allowed='^(linux-vdso\.so|/lib64/ld-linux-x86-64\.so|ld-linux|libc\.so|libm\.so|libstdc\+\+\.so|libgcc_s\.so|libz\.so|libpthread\.so|libdl\.so|librt\.so|libutil\.so)'
status=0
libraries=$(ldd "$binary" | awk '{print $1}')
echo "shared libraries: $(echo "$libraries" | tr '\n' ' ')"
extra=$(echo "$libraries" | grep -Ev "$allowed" || true)
if [ -n "$extra" ]; then
    echo "FAIL: needs shared libraries outside the allowed set: $extra"
    status=1
fi
newest=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sort -t. -k1,1 -k2,2n -k3,3n -u | tail -1)
echo "newest glibc symbol version: $newest"
too_new=$(objdump -T "$binary" | grep -E 'GLIBC_2\.(3[5-9]|[4-9][0-9])' || true)
if [ -n "$too_new" ]; then
    echo "FAIL: symbols newer than GLIBC_2.34:"
    echo "$too_new"
    status=1
fi
echo "size: $(du -h "$binary" | cut -f1)"
exit $status
