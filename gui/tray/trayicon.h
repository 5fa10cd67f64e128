// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "health.h"
#include "notificationlimiter.h"

#include <QHash>
#include <QMenu>
#include <QSet>
#include <QSystemTrayIcon>
#include <QTimer>

namespace Garnet {

class AgentClient;

/**
 * The tray icon: maps the client's state to icon, tooltip and menu, and notifies when a collector starts
 * failing or the agent goes away. Holds no data of its own beyond what notifications need.
 */
class TrayIcon : public QSystemTrayIcon
{
    Q_OBJECT
public:
    explicit TrayIcon(AgentClient *client, QObject *parent = nullptr);

    HealthSummary summary() const { return m_summary; }
    QMenu *menu() { return &m_menu; }

Q_SIGNALS:
    void showWindowRequested();
    void quitRequested();
    /** A notification passed the rate limit and was shown. */
    void notified(const QString &title, const QString &message);

private:
    void updateStatus();
    void rebuildCollectorMenus();
    void onStateChanged(const QString &name, const QString &oldState, const QString &newState);
    void onConnectedChanged(bool connected);
    void notifyPendingFailures();
    void notify(const QString &key, const QString &title, const QString &message, MessageIcon icon);

    AgentClient *m_client;
    QMenu m_menu;
    QMenu *m_runMenu = nullptr;
    QMenu *m_enableMenu = nullptr;
    QAction *m_reloadAction = nullptr;
    HealthSummary m_summary;
    NotificationLimiter m_limiter;
    /** The last state other than "running", so a failing collector that runs again is not "new" failing. */
    QHash<QString, QString> m_settledState;
    /** Collectors that just started failing; notified shortly after, once their full status (stderr) is in. */
    QSet<QString> m_pendingFailures;
    QTimer m_failureDelay;
    bool m_everConnected = false;
};

} // namespace Garnet
