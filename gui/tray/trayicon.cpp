// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "trayicon.h"

#include "agentclient.h"
#include "healthicon.h"
#include "traylogging.h"

namespace Garnet {

TrayIcon::TrayIcon(AgentClient *client, QObject *parent)
    : QSystemTrayIcon(parent)
    , m_client(client)
{
    QAction *open = m_menu.addAction(tr("Open Garnet"), this, &TrayIcon::showWindowRequested);
    QFont bold = open->font();
    bold.setBold(true);
    open->setFont(bold);
    m_menu.addSeparator();
    m_runMenu = m_menu.addMenu(tr("Run now"));
    m_enableMenu = m_menu.addMenu(tr("Enable / disable"));
    m_reloadAction = m_menu.addAction(tr("Reload agent configuration"), client, &AgentClient::reload);
    m_menu.addSeparator();
    m_menu.addAction(tr("Quit"), this, &TrayIcon::quitRequested);
    setContextMenu(&m_menu);

    connect(this, &QSystemTrayIcon::activated, this, [this](ActivationReason reason) {
        if (reason == Trigger || reason == DoubleClick)
            Q_EMIT showWindowRequested();
    });
    connect(this, &QSystemTrayIcon::messageClicked, this, &TrayIcon::showWindowRequested);
    connect(client, &AgentClient::collectorsChanged, this, &TrayIcon::rebuildCollectorMenus);
    connect(client, &AgentClient::collectorsChanged, this, &TrayIcon::updateStatus);
    connect(client, &AgentClient::collectorUpdated, this, [this](const CollectorStatus &status) {
        // Only the enable/disable labels depend on a single collector's data.
        const QList<QAction *> actions = m_enableMenu->actions();
        for (QAction *action : actions) {
            if (action->data().toString() == status.name
                && action->property("collectorEnabled").toBool() != status.enabled)
                return rebuildCollectorMenus();
        }
    });
    connect(client, &AgentClient::collectorStateChanged, this, &TrayIcon::onStateChanged);
    connect(client, &AgentClient::connectedChanged, this, &TrayIcon::onConnectedChanged);

    m_failureDelay.setSingleShot(true);
    m_failureDelay.setInterval(300);
    connect(&m_failureDelay, &QTimer::timeout, this, &TrayIcon::notifyPendingFailures);

    // Settings last, once everything is connected.
    rebuildCollectorMenus();
    updateStatus();
}

void TrayIcon::updateStatus()
{
    m_summary = summarizeHealth(m_client->collectors(), m_client->isConnected());
    setIcon(healthIcon(m_summary.health));

    QString text;
    if (m_summary.health == Health::Unreachable) {
        text = tr("Garnet: agent not reachable");
    } else {
        text = tr("Garnet: %n collector(s)", nullptr, m_summary.total);
        text += QLatin1Char('\n')
            + tr("%1 ok, %2 failing, %3 running, %4 disabled")
                  .arg(m_summary.ok)
                  .arg(m_summary.failing)
                  .arg(m_summary.running)
                  .arg(m_summary.disabled);
        QStringList failing;
        for (const CollectorStatus &status : m_client->collectors()) {
            if (isProblemState(status.state))
                failing.append(status.name);
        }
        if (!failing.isEmpty())
            text += QLatin1Char('\n') + tr("Failing: %1").arg(failing.join(QStringLiteral(", ")));
    }
    setToolTip(text);
}

void TrayIcon::rebuildCollectorMenus()
{
    m_runMenu->clear();
    m_enableMenu->clear();
    for (const CollectorStatus &status : m_client->collectors()) {
        QAction *run = m_runMenu->addAction(status.name, this, [this, name = status.name] { m_client->runNow(name); });
        run->setData(status.name);
        run->setEnabled(status.enabled);
        const QString label = status.enabled ? tr("Disable %1").arg(status.name) : tr("Enable %1").arg(status.name);
        QAction *toggle = m_enableMenu->addAction(
            label, this, [this, name = status.name, enable = !status.enabled] { m_client->setEnabled(name, enable); });
        toggle->setData(status.name);
        toggle->setProperty("collectorEnabled", status.enabled);
    }
    const bool any = !m_client->collectors().isEmpty();
    m_runMenu->setEnabled(any);
    m_enableMenu->setEnabled(any);
    m_reloadAction->setEnabled(m_client->isConnected());
}

void TrayIcon::onStateChanged(const QString &name, const QString &oldState, const QString &newState)
{
    Q_UNUSED(oldState);
    updateStatus();
    if (newState == QLatin1String("running"))
        return;
    const QString previous = m_settledState.value(name);
    m_settledState.insert(name, newState);
    if (!isProblemState(newState) || isProblemState(previous))
        return;
    m_pendingFailures.insert(name);
    if (!m_failureDelay.isActive())
        m_failureDelay.start();
}

void TrayIcon::notifyPendingFailures()
{
    const QSet<QString> names = std::exchange(m_pendingFailures, {});
    for (const QString &name : names) {
        const CollectorStatus *status = m_client->collector(name);
        if (!status || !isProblemState(status->state))
            continue; // recovered meanwhile
        QString message = status->state == QLatin1String("timed-out") ? tr("%1 timed out.").arg(name)
                                                                      : tr("%1 is failing.").arg(name);
        if (!status->stderrTail.isEmpty())
            message += QLatin1Char('\n') + status->stderrTail.constLast();
        notify(name, tr("Garnet collector failing"), message, Warning);
    }
}

void TrayIcon::onConnectedChanged(bool connected)
{
    updateStatus();
    rebuildCollectorMenus();
    if (connected) {
        m_everConnected = true;
        return;
    }
    m_settledState.clear();
    m_pendingFailures.clear();
    // Not being able to reach an agent that never ran is the tooltip's job, not a notification's.
    if (m_everConnected)
        notify(QStringLiteral("agent"), tr("Garnet agent stopped"), tr("garnet-agent is no longer reachable on D-Bus."),
            Critical);
}

void TrayIcon::notify(const QString &key, const QString &title, const QString &message, MessageIcon icon)
{
    if (!m_limiter.allow(key)) {
        qCDebug(lcTray) << "notification suppressed by the rate limit:" << key;
        return;
    }
    if (isVisible())
        showMessage(title, message, icon);
    Q_EMIT notified(title, message);
}

} // namespace Garnet
