// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

class QSocketNotifier;

namespace Garnet {

/**
 * Turns SIGHUP, SIGTERM and SIGINT into Qt signals. The C handler only writes the signal number to a
 * non-blocking self-pipe (async-signal-safe); a QSocketNotifier reads it in the event loop.
 * SIGPIPE is ignored: a closed socket must be an error return, not a dead agent.
 */
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void reloadRequested(); ///< SIGHUP
    void terminateRequested(int signal); ///< SIGTERM or SIGINT

private:
    void readPipe();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Garnet
