// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "trayapp.h"

#include "agentclient.h"
#include "collectormodel.h"
#include "mainwindow.h"
#include "metricmodel.h"
#include "trayicon.h"
#include "traylogging.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>

namespace Garnet {

namespace {
/** Samples per metric before a screenshot counts as "with data": enough for a visible sparkline. */
constexpr int ScreenshotMinPoints = 6;
constexpr auto ScreenshotTimeout = std::chrono::seconds { 90 };
} // namespace

TrayApp::TrayApp(QObject *parent)
    : QObject(parent)
{ }

TrayApp::~TrayApp() = default;

void TrayApp::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Shows the state of garnet-agent's collectors and their latest values."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption systemBusOption(QStringLiteral("system-bus"),
        tr("Talk to the agent on the D-Bus system bus instead of the session "
           "bus (also: GARNET_BUS=system)."));
    const QCommandLineOption windowOption(QStringLiteral("window"), tr("Open the status window at start."));
    const QCommandLineOption selectOption(
        QStringLiteral("select"), tr("Select this collector in the window."), tr("collector"));
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"), tr("Save the window to FILE once data has arrived, then exit."), tr("file"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ systemBusOption, windowOption, selectOption, screenshotOption });
    parser.process(arguments);

    const AgentClient::Bus bus
        = parser.isSet(systemBusOption) ? AgentClient::Bus::System : AgentClient::busFromEnvironment();
    m_client = new AgentClient(bus, this);
    m_window = std::make_unique<MainWindow>(m_client);
    if (parser.isSet(selectOption))
        m_window->selectCollector(parser.value(selectOption));

    if (parser.isSet(screenshotOption)) {
        startScreenshot(parser.value(screenshotOption));
        return;
    }

    m_tray = new TrayIcon(m_client, this);
    connect(m_tray, &TrayIcon::showWindowRequested, this, &TrayApp::showWindow);
    connect(m_tray, &TrayIcon::quitRequested, qApp, &QCoreApplication::quit);
    const bool trayAvailable = QSystemTrayIcon::isSystemTrayAvailable();
    // Without a tray the window is the app: closing it quits.
    QApplication::setQuitOnLastWindowClosed(!trayAvailable);
    if (trayAvailable) {
        m_tray->show();
        if (parser.isSet(windowOption))
            showWindow();
    } else {
        qCInfo(lcTray) << "no system tray available: showing the status window";
        showWindow();
    }
}

void TrayApp::showWindow()
{
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

void TrayApp::startScreenshot(const QString &file)
{
    m_screenshotFile = file;
    showWindow();
    MetricModel *metrics = m_window->metricModel();
    connect(metrics, &QAbstractItemModel::dataChanged, this, &TrayApp::takeScreenshotIfReady);
    connect(metrics, &QAbstractItemModel::rowsInserted, this, &TrayApp::takeScreenshotIfReady);
    connect(metrics, &QAbstractItemModel::modelReset, this, &TrayApp::takeScreenshotIfReady);
    connect(m_client, &AgentClient::collectorUpdated, this, &TrayApp::takeScreenshotIfReady);
    m_screenshotTimeout.setSingleShot(true);
    m_screenshotTimeout.setInterval(ScreenshotTimeout);
    connect(&m_screenshotTimeout, &QTimer::timeout, this, [this] { saveScreenshotAndQuit(false); });
    m_screenshotTimeout.start();
}

void TrayApp::takeScreenshotIfReady()
{
    if (m_screenshotTaken || !m_client->isConnected())
        return;
    // Ready once the selected collector ran a few times and each of its metrics has a visible history.
    const CollectorStatus *selected = m_client->collector(m_window->selectedCollector());
    if (!selected || selected->runs < ScreenshotMinPoints)
        return;
    const MetricModel *metrics = m_window->metricModel();
    for (int row = 0; row < metrics->rowCount(); ++row) {
        const auto points = metrics->index(row, 0).data(MetricModel::SparklineRole).value<QList<double>>();
        if (points.size() < ScreenshotMinPoints)
            return;
    }
    m_screenshotTaken = true;
    // Give the views one more round of layout and painting with the final data.
    QTimer::singleShot(500, this, [this] { saveScreenshotAndQuit(true); });
}

void TrayApp::saveScreenshotAndQuit(bool ready)
{
    m_screenshotTaken = true;
    if (!ready)
        qCWarning(lcTray) << "no data within" << ScreenshotTimeout.count() << "s; saving the window as it is";
    const bool saved = m_window->grab().save(m_screenshotFile);
    if (!saved)
        qCCritical(lcTray) << "cannot write the screenshot to" << m_screenshotFile;
    else
        qCInfo(lcTray) << "screenshot saved to" << m_screenshotFile;
    QCoreApplication::exit(!saved ? 1 : ready ? 0 : 3);
}

} // namespace Garnet
