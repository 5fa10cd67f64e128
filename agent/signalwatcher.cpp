// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "signalwatcher.h"

#include "logging.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace Garnet {

namespace {
int g_pipe[2] = {-1, -1};

extern "C" void forwardSignal(int signal)
{
    const int savedErrno = errno;
    const unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const auto written = ::write(g_pipe[1], &byte, 1); // a full pipe already holds a wake-up
    errno = savedErrno;
}

void install(int signal, void (*handler)(int))
{
    struct sigaction action = {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(signal, &action, nullptr);
}
} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent)
{
    if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        qCCritical(lcAgent) << "cannot create the signal pipe:" << qt_error_string(errno);
        return;
    }
    m_notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::readPipe);
    install(SIGHUP, forwardSignal);
    install(SIGTERM, forwardSignal);
    install(SIGINT, forwardSignal);
    install(SIGPIPE, SIG_IGN);
}

SignalWatcher::~SignalWatcher()
{
    install(SIGHUP, SIG_DFL);
    install(SIGTERM, SIG_DFL);
    install(SIGINT, SIG_DFL);
}

void SignalWatcher::readPipe()
{
    unsigned char signals[64];
    ssize_t n;
    bool reload = false;
    int terminate = 0;
    while ((n = ::read(g_pipe[0], signals, sizeof signals)) > 0) {
        for (ssize_t i = 0; i < n; ++i) {
            if (signals[i] == SIGHUP)
                reload = true; // a storm of SIGHUPs collapses into one reload
            else if (!terminate)
                terminate = signals[i];
        }
    }
    if (terminate) {
        Q_EMIT terminateRequested(terminate);
        return; // shutting down: a pending reload is moot
    }
    if (reload)
        Q_EMIT reloadRequested();
}

} // namespace Garnet
