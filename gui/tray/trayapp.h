// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace Garnet {

class AgentClient;
class MainWindow;
class TrayIcon;

/** garnet-tray's wiring: command line, client, window and tray icon (or the window alone without a tray). */
class TrayApp : public QObject
{
    Q_OBJECT
public:
    explicit TrayApp(QObject *parent = nullptr);
    ~TrayApp() override;

    /** Parse arguments (exits on --help/--version/bad options) and start. */
    void start(const QStringList &arguments);

    AgentClient *client() const { return m_client; }
    MainWindow *window() const { return m_window.get(); }
    TrayIcon *trayIcon() const { return m_tray; }

private:
    void showWindow();
    void startScreenshot(const QString &file);
    void takeScreenshotIfReady();
    void saveScreenshotAndQuit(bool ready);

    AgentClient *m_client = nullptr;
    std::unique_ptr<MainWindow> m_window;
    TrayIcon *m_tray = nullptr;
    QString m_screenshotFile;
    QTimer m_screenshotTimeout;
    bool m_screenshotTaken = false;
};

} // namespace Garnet
