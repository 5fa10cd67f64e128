// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "systemd.h"

#include "agent.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>
#include <ctime>

#ifdef GARNET_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

Q_LOGGING_CATEGORY(lcSystemd, "garnet.agent.systemd", QtInfoMsg)

namespace Garnet {

namespace {
QByteArray withStatus(QByteArray state, const QString &status)
{
    if (!status.isEmpty()) {
        QByteArray text = status.toUtf8();
        text.replace('\n', ' '); // one assignment per line in the notify protocol
        state += "\nSTATUS=" + text;
    }
    return state;
}
} // namespace

SystemdNotifier::SystemdNotifier(QObject *parent)
    : QObject(parent)
{
#ifdef GARNET_HAVE_LIBSYSTEMD
    m_active = !qEnvironmentVariableIsEmpty("NOTIFY_SOCKET");
#endif
    m_watchdogPeriod = m_active ? watchdogPeriodFromEnvironment() : std::chrono::milliseconds(0);
    if (m_watchdogPeriod.count() > 0) {
        // A timer in the event loop, not a thread: pings must stop when the loop is stuck.
        m_watchdog = new QTimer(this);
        m_watchdog->setTimerType(Qt::PreciseTimer);
        m_watchdog->setInterval(m_watchdogPeriod);
        connect(m_watchdog, &QTimer::timeout, this, [this] { send("WATCHDOG=1"); });
        m_watchdog->start();
        qCInfo(lcSystemd) << "systemd watchdog: pinging every" << m_watchdogPeriod.count() << "ms";
    }
}

std::chrono::milliseconds SystemdNotifier::watchdogPeriodFromEnvironment()
{
#ifdef GARNET_HAVE_LIBSYSTEMD
    uint64_t usec = 0;
    // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID is unset or ours (not a parent's leftover).
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        return std::max(std::chrono::milliseconds(1),
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(usec / 2)));
#endif
    return std::chrono::milliseconds(0);
}

QString SystemdNotifier::describe(const Agent &agent)
{
    const auto &collectors = agent.config().collectors;
    const auto enabled = std::count_if(collectors.begin(), collectors.end(), [](const auto &c) { return c.enabled; });
    return QStringLiteral("%1 collector(s) (%2 enabled), %3 output(s)")
        .arg(collectors.size())
        .arg(enabled)
        .arg(agent.outputs().size());
}

void SystemdNotifier::ready(const QString &status)
{
    send(withStatus("READY=1", status));
}

void SystemdNotifier::reloading()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const qint64 usec = qint64(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
    send("RELOADING=1\nMONOTONIC_USEC=" + QByteArray::number(usec) + "\nSTATUS=reloading");
}

void SystemdNotifier::stopping()
{
    send("STOPPING=1\nSTATUS=stopping");
}

void SystemdNotifier::status(const QString &text)
{
    send(withStatus({}, text).mid(1)); // drop the leading newline
}

void SystemdNotifier::send(const QByteArray &state)
{
    if (!m_active || state.isEmpty())
        return;
#ifdef GARNET_HAVE_LIBSYSTEMD
    const int result = sd_notify(0, state.constData());
    if (result < 0 && !m_failureLogged) {
        // Once: a broken notify socket must not flood the log every watchdog period.
        m_failureLogged = true;
        qCWarning(lcSystemd).noquote() << "cannot notify systemd:" << qt_error_string(-result);
    }
#endif
}

} // namespace Garnet
