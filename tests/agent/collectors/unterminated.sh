#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# A good line, then a last line without its newline.
printf 'ok.one 1\nok.two 2'
