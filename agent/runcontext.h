// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

#include <memory>

namespace Garnet {

/** One collector run as the ingest path sees it: fixed from the run's start, shared by its connections. */
struct RunContext
{
    QByteArray collector; ///< collector name, or "unattributed"
    QByteArray pathPrefix; ///< "{prefix}.{path}" with {host} expanded; "{prefix}" for unattributed writers
    qint64 tickTime = 0; ///< scheduled tick, Unix seconds: the timestamp of lines that carry none
    bool attributed = true;
};
using RunContextPtr = std::shared_ptr<const RunContext>;

} // namespace Garnet
