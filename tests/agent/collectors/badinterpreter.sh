#!/nonexistent/garnet-interpreter
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
# Executable, but exec fails (ENOENT for the interpreter): QProcess reports FailedToStart.
