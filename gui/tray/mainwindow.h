// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

class QAction;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;

namespace Garnet {

class AgentClient;
class CollectorModel;
class MetricFilterModel;
class MetricModel;

/** The status window: collectors on top; the selected collector's metrics, sparklines and stderr below. */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(AgentClient *client, QWidget *parent = nullptr);

    CollectorModel *collectorModel() const { return m_collectors; }
    MetricModel *metricModel() const { return m_metrics; }
    /** Empty when none is selected. */
    QString selectedCollector() const;
    /** Select name now, or as soon as the agent reports it. */
    void selectCollector(const QString &name);

private:
    void buildActions();
    QWidget *buildCollectorsPane();
    QWidget *buildDetailsPane();
    void onCurrentCollectorChanged();
    void selectPreferredIfNone();
    void updateDetails();
    void updateActions();
    void updateConnectionStatus();
    void updateCounters();
    void onCallFailed(
        const QString &method, const QString &collector, const QString &errorName, const QString &message);

    AgentClient *m_client;
    CollectorModel *m_collectors;
    MetricModel *m_metrics;
    MetricFilterModel *m_metricFilter;
    QString m_preferredCollector;

    QTableView *m_collectorView = nullptr;
    QTableView *m_metricView = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QLabel *m_detailsTitle = nullptr;
    QPlainTextEdit *m_stderrView = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QLabel *m_countersLabel = nullptr;
    QAction *m_runNowAction = nullptr;
    QAction *m_enableAction = nullptr;
    QAction *m_reloadAction = nullptr;
};

} // namespace Garnet
