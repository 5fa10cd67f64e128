#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Takes $1 seconds (default 2), longer than the tests' intervals.
sleep "${1:-2}"
