// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "ctlwatch.h"

#include "common/names.h"
#include "ctlagentproxy.h"
#include "ctlformat.h"

#include <QCoreApplication>
#include <QDBusServiceWatcher>
#include <QDateTime>
#include <QSocketNotifier>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace Garnet::Ctl {

namespace {
int g_signalPipe[2] = { -1, -1 };

extern "C" void onTerminationSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1); // async-signal-safe
}

RenderContext now()
{
    return { QDateTime::currentMSecsSinceEpoch(), QTimeZone::systemTimeZone() };
}
} // namespace

Watch::Watch(QDBusConnection bus, CtlAgentProxy &proxy, const QString &collector, QObject *parent)
    : QObject(parent)
    , m_bus(std::move(bus))
    , m_proxy(proxy)
    , m_collector(collector)
{ }

Watch::~Watch()
{
    if (m_signalNotifier) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
}

bool Watch::start()
{
    // Signals become a byte on a pipe so the event loop can end cleanly (a handler may not call Qt).
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        Q_EMIT notice(QStringLiteral("cannot create a pipe for signal handling: %1")
                          .arg(QString::fromLocal8Bit(strerror(errno))));
        return false;
    }
    m_signalNotifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, this);
    connect(m_signalNotifier, &QSocketNotifier::activated, this, &Watch::onSignal);
    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);

    connect(&m_proxy, &CtlAgentProxy::ValuesArrived, this, &Watch::onValues);
    connect(&m_proxy, &CtlAgentProxy::CollectorStateChanged, this, &Watch::onState);

    m_serviceWatcher = new QDBusServiceWatcher(QLatin1String(DBusService), m_bus,
        QDBusServiceWatcher::WatchForRegistration | QDBusServiceWatcher::WatchForUnregistration, this);
    connect(m_serviceWatcher, &QDBusServiceWatcher::serviceUnregistered, this,
        [this] { Q_EMIT notice(QStringLiteral("the agent stopped; waiting for it to come back (Ctrl-C stops)")); });
    connect(m_serviceWatcher, &QDBusServiceWatcher::serviceRegistered, this, [this] {
        Q_EMIT notice(QStringLiteral("the agent is back"));
        learnStates();
    });
    learnStates();
    return true;
}

void Watch::learnStates()
{
    m_settled.clear();
    auto reply = m_proxy.Collectors();
    reply.waitForFinished();
    for (const CollectorStatus &status : reply.value())
        if (status.state != u"running")
            m_settled.insert(status.name, status.state);
}

void Watch::onValues(const Garnet::MetricSampleList &samples)
{
    const RenderContext context = now();
    QString text;
    for (const MetricSample &sample : samples)
        if (m_collector.isEmpty() || sample.collector == m_collector)
            text += formatWatchSample(sample, context);
    if (!text.isEmpty())
        Q_EMIT line(text);
}

void Watch::onState(const QString &name, const QString &state)
{
    if ((!m_collector.isEmpty() && name != m_collector) || state == u"running")
        return;
    const auto previous = m_settled.constFind(name);
    if (previous != m_settled.constEnd() && *previous == state)
        return;
    m_settled.insert(name, state);
    Q_EMIT line(formatWatchState(name, state, now()));
}

void Watch::onSignal()
{
    char buffer[16];
    while (::read(g_signalPipe[0], buffer, sizeof buffer) > 0) { }
    QCoreApplication::exit(0);
}

} // namespace Garnet::Ctl
