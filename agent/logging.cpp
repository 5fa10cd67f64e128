// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "logging.h"

#include <QHash>
#include <QMutex>

#include <memory>

Q_LOGGING_CATEGORY(lcAgent, "garnet.agent", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "garnet.agent.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcScheduler, "garnet.agent.scheduler", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSocket, "garnet.agent.socket", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "garnet.agent.pipeline", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOutput, "garnet.agent.output", QtInfoMsg)

namespace Garnet {

const QLoggingCategory &collectorCategory(const QString &collectorName)
{
    // QLoggingCategory keeps a pointer to its name: names and categories live as long as the process.
    static QMutex mutex;
    static QHash<QString, std::shared_ptr<std::pair<QByteArray, std::unique_ptr<QLoggingCategory>>>> categories;
    QMutexLocker lock(&mutex);
    auto &slot = categories[collectorName];
    if (!slot) {
        slot = std::make_shared<std::pair<QByteArray, std::unique_ptr<QLoggingCategory>>>();
        slot->first = "garnet.collector." + collectorName.toUtf8();
        slot->second = std::make_unique<QLoggingCategory>(slot->first.constData(), QtInfoMsg);
    }
    return *slot->second;
}

} // namespace Garnet
