// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

#include <chrono>

class QTimer;

namespace Garnet {

class Agent;

/**
 * Tells systemd (Type=notify) what the agent is doing: READY=1, RELOADING=1, STOPPING=1, STATUS=...,
 * and WATCHDOG=1 from a timer in the event loop, so a wedged loop stops the pings and systemd restarts us.
 * Outside systemd (no NOTIFY_SOCKET) or when built without libsystemd every call does nothing.
 */
class SystemdNotifier : public QObject
{
    Q_OBJECT
public:
    explicit SystemdNotifier(QObject *parent = nullptr);

    /** Whether messages go anywhere: built with libsystemd and started with NOTIFY_SOCKET. */
    bool isActive() const { return m_active; }
    /** The WATCHDOG=1 period (half of WATCHDOG_USEC when that is meant for this process), else zero. */
    std::chrono::milliseconds watchdogPeriod() const { return m_watchdogPeriod; }

    void ready(const QString &status = {});
    /** RELOADING=1 with the CLOCK_MONOTONIC time, as systemd's notify-reload protocol wants; READY=1 follows. */
    void reloading();
    void stopping();
    void status(const QString &text);

    /** The watchdog period asked for by WATCHDOG_USEC/WATCHDOG_PID (zero: none). Reads the environment. */
    static std::chrono::milliseconds watchdogPeriodFromEnvironment();
    /** "6 collectors (5 enabled), 1 output" for STATUS=. */
    static QString describe(const Agent &agent);

private:
    void send(const QByteArray &state);

    QTimer *m_watchdog = nullptr;
    std::chrono::milliseconds m_watchdogPeriod { 0 };
    bool m_active = false;
    bool m_failureLogged = false;
};

} // namespace Garnet
