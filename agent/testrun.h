// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QCoreApplication;

namespace Garnet {

/**
 * `garnet-agent --test NAME`: run one collector once, outside any running agent (a private socket in a
 * temporary directory), print its metrics formatted as plaintext on stdout and return its exit status
 * (124 after a timeout, 127 when it could not be started). Rejected lines are reported on stderr.
 */
int runCollectorOnce(QCoreApplication &app, const QString &configPath, const QString &name);

} // namespace Garnet
