#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# stdout mode: a few fixed values, one with its own timestamp.
echo "shell.answer 42"
echo "shell.pi 3.14159"
echo "shell.stamped 7 1700000000"
