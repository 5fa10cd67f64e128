#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Complains on stderr and exits with status 3.
echo "disk probe failed: no such device" >&2
exit 3
