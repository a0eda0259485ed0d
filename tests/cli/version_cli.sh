#!/usr/bin/env bash
# --version on every executable prints "medner <version>", the version of project() in the top
# CMakeLists.txt, and exits 0.
set -u
bin=$1
fail=0
want="medner $(sed -n 's/^project(medner VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
[ "$want" != "medner " ] || { echo "FAIL: no version in CMakeLists.txt"; exit 1; }
for exe in medner-train medner-eval medner-tag medner-pretrain medner-serve; do
  if [ ! -x "$bin/$exe" ]; then
    [ "$exe" = medner-serve ] && continue  # -DMEDNER_SERVE=OFF
    echo "FAIL: $exe not built"; fail=1; continue
  fi
  got=$("$bin/$exe" --version)
  rc=$?
  [ $rc -eq 0 ] || { echo "FAIL: $exe --version exits $rc"; fail=1; }
  [ "$got" = "$want" ] || { echo "FAIL: $exe --version printed '$got', expected '$want'"; fail=1; }
done
exit $fail
