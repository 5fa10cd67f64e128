// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcAgent) // garnet.agent
Q_DECLARE_LOGGING_CATEGORY(lcConfig) // garnet.agent.config
Q_DECLARE_LOGGING_CATEGORY(lcScheduler) // garnet.agent.scheduler
Q_DECLARE_LOGGING_CATEGORY(lcSocket) // garnet.agent.socket
Q_DECLARE_LOGGING_CATEGORY(lcPipeline) // garnet.agent.pipeline
Q_DECLARE_LOGGING_CATEGORY(lcOutput) // garnet.agent.output

namespace Garnet {
/** The category of one collector's own messages ("garnet.collector.<name>"), created on first use. */
const QLoggingCategory &collectorCategory(const QString &collectorName);
} // namespace Garnet
