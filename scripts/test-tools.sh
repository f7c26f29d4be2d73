#!/usr/bin/env bash
# `npm test`'s pretest: the Debian packages some tests drive, installed when missing, so `npm ci && npm test`
# passes on a fresh Debian machine. It says what it installs and why; it changes nothing when all are present.
#   chromium          test/report/browser.test.ts opens the report in headless Chromium (playwright-core)
#   fonts-noto-cjk    test/report/cjk.test.ts and the report PNGs: Chinese glyphs, not boxes
#   fonts-dejavu-core Latin text in the report PNGs
#   jupyter-nbconvert, python3-nbclient, jupyter-client, python3-ipykernel
#                     test/notebooks executes every notebook headless on the Deno kernel (deno comes from npm)
# Without apt (or without root and passwordless sudo) it prints the command to run and leaves the tests to fail
# with the same hint; it never skips them.
set -uo pipefail

pkgs=(chromium fonts-noto-cjk fonts-dejavu-core jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "pretest: the browser, font and notebook tests need: ${missing[*]} (Debian packages); no apt-get here, install them by hand" >&2
  exit 0
fi
as=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as=(sudo -n)
  else
    echo "pretest: the browser, font and notebook tests need: ${missing[*]}; run as root: $cmd" >&2
    exit 0
  fi
fi
echo "pretest: installing from Debian for the browser, font and notebook tests: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if "${as[@]}" apt-get update -qq >/dev/null &&
  "${as[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "pretest: installed ${missing[*]}" >&2
else
  echo "pretest: apt-get could not install ${missing[*]}; the tests that need them will fail with this hint: $cmd" >&2
fi
exit 0
