#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# A good line, a 20,000-byte line (over the 16 KiB limit), another good line.
echo 'ok.before 1'
head -c 20000 /dev/zero | tr '\0' a
echo
echo 'ok.after 2'
