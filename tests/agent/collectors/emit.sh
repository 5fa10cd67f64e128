#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Two well-formed metric lines on stdout.
printf 'metric.a 1\nmetric.b 2\n'
