// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "dbustypes.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>

namespace Garnet {

class AgentClient;

/** The metrics of one collector: latest value, its time and recent history; follows the client live. */
class MetricModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ValueColumn, TimeColumn, TrendColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        NameRole = Qt::UserRole + 1, ///< QString, tags included
        ValueRole, ///< double, the latest value
        TimestampRole, ///< qint64, Unix seconds of the latest value
        SparklineRole, ///< QList<double>, recent values oldest first
        SortRole, ///< a value that sorts naturally (numbers as numbers)
    };

    explicit MetricModel(AgentClient *client, QObject *parent = nullptr);

    /** Show the metrics of this collector (empty: none). */
    void setCollector(const QString &collector);
    QString collector() const { return m_collector; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** -1 when unknown. */
    int rowOf(const QString &metricName) const { return m_rowByName.value(metricName, -1); }

private:
    void reload();
    void onValuesArrived(const MetricSampleList &samples);
    QVariant toolTip(const MetricSeries &series, int column) const;

    QPointer<AgentClient> m_client;
    QString m_collector;
    MetricSeriesList m_rows;
    QHash<QString, int> m_rowByName;
};

} // namespace Garnet
