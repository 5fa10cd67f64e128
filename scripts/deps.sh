# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Sourced by scripts/run and scripts/test: Debian packages Garnet needs, installed only when missing.

GARNET_BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
    libtomlplusplus-dev
    libsystemd-dev scdoc dpkg-dev
)
GARNET_RUNTIME_PACKAGES=(
    dbus dbus-daemon qt6-qpa-plugins libqt6svg6 python3 procps
)
GARNET_TEST_PACKAGES=(
    graphite-carbon python3-whisper carbon-c-relay util-linux
    monitoring-plugins-basic # real Nagios plugins for the nagios dialect tests
    man-db groff-base systemd desktop-file-utils bash-completion # checks of man pages, unit, desktop files, completion
)
# scripts/fuzz (libFuzzer needs clang and its runtime) and the sanitizer run of scripts/test (clang too).
GARNET_FUZZ_PACKAGES=(
    clang libclang-rt-14-dev
)

# garnet_install_missing PACKAGE...: apt-get installs those that dpkg does not know as installed.
garnet_install_missing() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# garnet_build [CMAKE ARGS...]: configure and build into build/ (or $GARNET_BUILD_DIR).
garnet_build() {
    local build_dir="${GARNET_BUILD_DIR:-$GARNET_ROOT/build}"
    # The system layout (/usr, configuration in /etc): what the install and package tests check.
    cmake -S "$GARNET_ROOT" -B "$build_dir" -G Ninja -DCMAKE_INSTALL_PREFIX=/usr "$@"
    cmake --build "$build_dir" -j "$(nproc)"
}
