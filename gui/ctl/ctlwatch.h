// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/dbustypes.h"

#include <QDBusConnection>
#include <QHash>
#include <QObject>

class CtlAgentProxy;
class QDBusServiceWatcher;
class QSocketNotifier;

namespace Garnet::Ctl {

/**
 * `garnetctl watch`: turns the agent's ValuesArrived and CollectorStateChanged signals into lines, follows the
 * agent across restarts (the signals are matched by the well-known name) and ends the event loop with exit
 * code 0 on SIGINT or SIGTERM. State lines show changes of the settled state (ok, failing, timed-out, disabled):
 * the "running" in between every run would bury them.
 */
class Watch : public QObject
{
    Q_OBJECT
public:
    Watch(QDBusConnection bus, CtlAgentProxy &proxy, const QString &collector, QObject *parent = nullptr);
    ~Watch() override;

    /** Subscribe and install the signal handlers; false (with a notice) if that is impossible. */
    bool start();

Q_SIGNALS:
    void line(const QString &text); ///< for stdout
    void notice(const QString &text); ///< for stderr

private:
    void onValues(const Garnet::MetricSampleList &samples);
    void onState(const QString &name, const QString &state);
    void onSignal();
    void learnStates();

    QDBusConnection m_bus;
    CtlAgentProxy &m_proxy;
    QString m_collector;
    QHash<QString, QString> m_settled; ///< last state other than "running", per collector
    QDBusServiceWatcher *m_serviceWatcher = nullptr;
    QSocketNotifier *m_signalNotifier = nullptr;
};

} // namespace Garnet::Ctl
