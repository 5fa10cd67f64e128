// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "agentclient.h"
#include "collectormodel.h"
#include "healthicon.h"
#include "metricfiltermodel.h"
#include "metricmodel.h"
#include "sparklinedelegate.h"
#include "statestyle.h"

#include <QAction>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Garnet {

namespace {

QTableView *makeTable(QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    return view;
}

QString dot(const QColor &color)
{
    return QStringLiteral("<span style=\"color:%1\">●</span> ").arg(color.name());
}

} // namespace

MainWindow::MainWindow(AgentClient *client, QWidget *parent)
    : QMainWindow(parent)
    , m_client(client)
    , m_collectors(new CollectorModel(client, this))
    , m_metrics(new MetricModel(client, this))
    , m_metricFilter(new MetricFilterModel(this))
{
    setWindowTitle(tr("Garnet"));
    setWindowIcon(applicationIcon());
    m_metricFilter->setSourceModel(m_metrics);
    buildActions();

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(buildCollectorsPane());
    splitter->addWidget(buildDetailsPane());
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({ 240, 400 });
    splitter->setChildrenCollapsible(false);
    setCentralWidget(splitter);

    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionLabel"));
    m_countersLabel = new QLabel(this);
    m_countersLabel->setObjectName(QStringLiteral("countersLabel"));
    statusBar()->addWidget(m_connectionLabel, 1); // hidden while a temporary message (an error) shows
    statusBar()->addPermanentWidget(m_countersLabel);

    connect(m_collectorView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &MainWindow::onCurrentCollectorChanged);
    connect(m_collectors, &QAbstractItemModel::rowsInserted, this, &MainWindow::selectPreferredIfNone);
    connect(m_collectors, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
            const QModelIndex current = m_collectorView->currentIndex();
            if (current.isValid() && current.row() >= topLeft.row() && current.row() <= bottomRight.row()) {
                updateDetails();
                updateActions();
            }
        });
    connect(m_collectors, &QAbstractItemModel::rowsRemoved, this, &MainWindow::onCurrentCollectorChanged);
    connect(m_client, &AgentClient::connectedChanged, this, &MainWindow::updateConnectionStatus);
    connect(m_client, &AgentClient::lastErrorChanged, this, &MainWindow::updateConnectionStatus);
    connect(m_client, &AgentClient::agentInfoChanged, this, &MainWindow::updateConnectionStatus);
    connect(m_client, &AgentClient::countersChanged, this, &MainWindow::updateCounters);
    connect(m_client, &AgentClient::outputsChanged, this, &MainWindow::updateCounters);
    connect(m_client, &AgentClient::callFailed, this, &MainWindow::onCallFailed);

    updateConnectionStatus();
    updateCounters();
    selectPreferredIfNone();
    updateDetails();
    updateActions();
    resize(980, 680);
}

void MainWindow::buildActions()
{
    QToolBar *toolBar = addToolBar(tr("Actions"));
    toolBar->setObjectName(QStringLiteral("actionsToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);

    m_runNowAction = toolBar->addAction(tr("Run now"));
    m_runNowAction->setObjectName(QStringLiteral("runNowAction"));
    m_runNowAction->setToolTip(tr("Run the selected collector now"));
    m_runNowAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(m_runNowAction, &QAction::triggered, this, [this] {
        const QString name = selectedCollector();
        if (!name.isEmpty())
            m_client->runNow(name);
    });

    m_enableAction = toolBar->addAction(tr("Disable"));
    m_enableAction->setObjectName(QStringLiteral("enableAction"));
    connect(m_enableAction, &QAction::triggered, this, [this] {
        const QString name = selectedCollector();
        if (const CollectorStatus *status = m_client->collector(name))
            m_client->setEnabled(name, !status->enabled);
    });

    toolBar->addSeparator();
    m_reloadAction = toolBar->addAction(tr("Reload agent"));
    m_reloadAction->setObjectName(QStringLiteral("reloadAction"));
    m_reloadAction->setToolTip(tr("Make the agent reread its configuration"));
    connect(m_reloadAction, &QAction::triggered, m_client, &AgentClient::reload);
}

QWidget *MainWindow::buildCollectorsPane()
{
    m_collectorView = makeTable(this);
    m_collectorView->setObjectName(QStringLiteral("collectorsView"));
    m_collectorView->setModel(m_collectors);
    QHeaderView *header = m_collectorView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(CollectorModel::NameColumn, QHeaderView::Stretch);
    return m_collectorView;
}

QWidget *MainWindow::buildDetailsPane()
{
    auto *details = new QWidget(this);
    auto *layout = new QVBoxLayout(details);
    layout->setContentsMargins(0, 4, 0, 0);

    m_detailsTitle = new QLabel(details);
    m_detailsTitle->setObjectName(QStringLiteral("detailsTitle"));
    QFont titleFont = m_detailsTitle->font();
    titleFont.setBold(true);
    m_detailsTitle->setFont(titleFont);
    layout->addWidget(m_detailsTitle);

    // Left: filter + metrics; right: stderr. Both panes start with a row of the same height.
    auto *splitter = new QSplitter(Qt::Horizontal, details);
    auto *metricsPane = new QWidget(splitter);
    auto *metricsLayout = new QVBoxLayout(metricsPane);
    metricsLayout->setContentsMargins(0, 0, 0, 0);
    metricsLayout->setSpacing(2);
    m_filterEdit = new QLineEdit(metricsPane);
    m_filterEdit->setObjectName(QStringLiteral("metricFilter"));
    m_filterEdit->setPlaceholderText(tr("Filter metrics by name…"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_metricFilter, &MetricFilterModel::setFilterText);
    metricsLayout->addWidget(m_filterEdit);

    m_metricView = makeTable(metricsPane);
    m_metricView->setObjectName(QStringLiteral("metricsView"));
    m_metricView->setModel(m_metricFilter);
    m_metricView->setSortingEnabled(true);
    m_metricView->sortByColumn(MetricModel::NameColumn, Qt::AscendingOrder);
    m_metricView->setItemDelegateForColumn(
        MetricModel::TrendColumn, new SparklineDelegate(MetricModel::SparklineRole, m_metricView));
    QHeaderView *header = m_metricView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(MetricModel::NameColumn, QHeaderView::Stretch);
    header->resizeSection(MetricModel::ValueColumn, 110);
    header->resizeSection(MetricModel::TimeColumn, 80);
    header->resizeSection(MetricModel::TrendColumn, 160);
    m_metricView->verticalHeader()->setDefaultSectionSize(24);
    metricsLayout->addWidget(m_metricView, 1);

    auto *stderrPane = new QWidget(splitter);
    auto *stderrLayout = new QVBoxLayout(stderrPane);
    stderrLayout->setContentsMargins(0, 0, 0, 0);
    stderrLayout->setSpacing(2);
    auto *stderrTitle = new QLabel(tr("Error output (last lines)"), stderrPane);
    stderrTitle->setMinimumHeight(m_filterEdit->sizeHint().height());
    stderrLayout->addWidget(stderrTitle);
    m_stderrView = new QPlainTextEdit(stderrPane);
    m_stderrView->setObjectName(QStringLiteral("stderrView"));
    m_stderrView->setReadOnly(true);
    m_stderrView->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_stderrView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_stderrView->setPlaceholderText(tr("No error output"));
    stderrLayout->addWidget(m_stderrView, 1);

    splitter->addWidget(metricsPane);
    splitter->addWidget(stderrPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);
    return details;
}

QString MainWindow::selectedCollector() const
{
    const QModelIndex current = m_collectorView->currentIndex();
    return current.isValid() ? current.data(CollectorModel::NameRole).toString() : QString();
}

void MainWindow::selectCollector(const QString &name)
{
    m_preferredCollector = name;
    const int row = m_collectors->rowOf(name);
    if (row >= 0)
        m_collectorView->selectRow(row);
}

void MainWindow::selectPreferredIfNone()
{
    const int preferred = m_collectors->rowOf(m_preferredCollector);
    if (preferred >= 0 && selectedCollector() != m_preferredCollector) {
        m_collectorView->selectRow(preferred);
        return;
    }
    if (!m_collectorView->currentIndex().isValid() && m_collectors->rowCount() > 0)
        m_collectorView->selectRow(0);
}

void MainWindow::onCurrentCollectorChanged()
{
    m_metrics->setCollector(selectedCollector());
    updateDetails();
    updateActions();
}

void MainWindow::updateDetails()
{
    const QString name = selectedCollector();
    const CollectorStatus *status = name.isEmpty() ? nullptr : m_client->collector(name);
    if (!status) {
        m_detailsTitle->setText(
            m_client->isConnected() ? tr("Select a collector to see its metrics") : tr("Waiting for the agent…"));
        m_stderrView->clear();
        return;
    }
    m_detailsTitle->setText(tr("Metrics of %1").arg(name));
    const QString tail = status->stderrTail.join(QLatin1Char('\n'));
    if (m_stderrView->toPlainText() != tail)
        m_stderrView->setPlainText(tail);
}

void MainWindow::updateActions()
{
    const CollectorStatus *status = m_client->collector(selectedCollector());
    const bool connected = m_client->isConnected();
    m_runNowAction->setEnabled(connected && status && status->enabled);
    m_enableAction->setEnabled(connected && status);
    m_enableAction->setText(status && !status->enabled ? tr("Enable") : tr("Disable"));
    m_enableAction->setToolTip(status && !status->enabled
            ? tr("Enable the selected collector: it runs on its schedule again")
            : tr("Disable the selected collector: it stops running on its schedule"));
    m_reloadAction->setEnabled(connected);
}

void MainWindow::updateConnectionStatus()
{
    if (m_client->isConnected()) {
        const QString host = m_client->hostname().isEmpty() ? QString() : tr(" on %1").arg(m_client->hostname());
        m_connectionLabel->setText(dot(StateStyle::color(QStringLiteral("ok")))
            + tr("Connected to garnet-agent %1%2").arg(m_client->agentVersion(), host));
        m_connectionLabel->setToolTip({});
    } else {
        m_connectionLabel->setText(dot(StateStyle::color(QStringLiteral("failing"))) + tr("Agent not reachable"));
        m_connectionLabel->setToolTip(m_client->lastError());
    }
    updateDetails();
    updateActions();
}

void MainWindow::updateCounters()
{
    const CounterMap &counters = m_client->counters();
    if (counters.isEmpty()) {
        m_countersLabel->clear();
        return;
    }
    const auto count = [&counters](const char *key) { return counters.value(QLatin1String(key)); };
    QString text = tr("Received %1 · Sent %2 · Dropped %3 · Rejected %4 · Queued %5")
                       .arg(count("received"))
                       .arg(count("sent"))
                       .arg(count("dropped"))
                       .arg(count("rejected"))
                       .arg(count("queued"));
    QStringList outputs;
    for (const OutputStatus &output : m_client->outputs())
        outputs.append(tr("%1: %2").arg(output.name, output.connected ? tr("connected") : tr("disconnected")));
    m_countersLabel->setText(text);
    m_countersLabel->setToolTip(outputs.join(QLatin1Char('\n')));
}

void MainWindow::onCallFailed(
    const QString &method, const QString &collector, const QString &errorName, const QString &message)
{
    Q_UNUSED(errorName);
    QString what = method;
    if (method == QLatin1String("RunNow"))
        what = tr("Run now");
    else if (method == QLatin1String("SetEnabled"))
        what = tr("Enable/disable");
    else if (method == QLatin1String("Reload"))
        what = tr("Reload");
    if (!collector.isEmpty())
        what = tr("%1 (%2)").arg(what, collector);
    statusBar()->showMessage(tr("%1 failed: %2").arg(what, message), 10000);
}

} // namespace Garnet
