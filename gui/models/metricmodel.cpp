// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "metricmodel.h"

#include "agentclient.h"
#include "format.h"

#include <QSet>

#include <algorithm>

namespace Garnet {

MetricModel::MetricModel(AgentClient *client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
    connect(client, &AgentClient::valuesReset, this, &MetricModel::reload);
    connect(client, &AgentClient::valuesArrived, this, &MetricModel::onValuesArrived);
}

void MetricModel::setCollector(const QString &collector)
{
    if (collector == m_collector)
        return;
    m_collector = collector;
    reload();
}

void MetricModel::reload()
{
    beginResetModel();
    m_rows = m_collector.isEmpty() ? MetricSeriesList {} : m_client->series(m_collector);
    m_rowByName.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowByName.insert(m_rows.at(row).name, row);
    endResetModel();
}

void MetricModel::onValuesArrived(const MetricSampleList &samples)
{
    if (m_collector.isEmpty())
        return;
    QSet<QString> touched;
    for (const MetricSample &sample : samples) {
        if (sample.collector == m_collector)
            touched.insert(sample.name);
    }
    if (touched.isEmpty())
        return;

    // The client only appends metrics within a collector, so our rows are a prefix of its list.
    const MetricSeriesList latest = m_client->series(m_collector);
    const int known = int(m_rows.size());
    QList<int> changedRows;
    for (int row = 0; row < known && row < latest.size(); ++row) {
        if (touched.contains(m_rows.at(row).name)) {
            m_rows[row] = latest.at(row);
            changedRows.append(row);
        }
    }
    if (latest.size() > known) {
        beginInsertRows({}, known, int(latest.size()) - 1);
        for (int row = known; row < latest.size(); ++row) {
            m_rows.append(latest.at(row));
            m_rowByName.insert(latest.at(row).name, row);
        }
        endInsertRows();
    }
    // One dataChanged per run of adjacent rows keeps views' repaints small.
    for (int i = 0; i < changedRows.size();) {
        int j = i;
        while (j + 1 < changedRows.size() && changedRows.at(j + 1) == changedRows.at(j) + 1)
            ++j;
        Q_EMIT dataChanged(index(changedRows.at(i), ValueColumn), index(changedRows.at(j), TrendColumn));
        i = j + 1;
    }
}

int MetricModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MetricModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MetricModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MetricSeries &series = m_rows.at(index.row());
    const bool hasPoints = !series.points.isEmpty();
    const MetricPoint latest = hasPoints ? series.points.constLast() : MetricPoint {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return series.name;
        case ValueColumn:
            return hasPoints ? Format::value(latest.value) : Format::none();
        case TimeColumn:
            return hasPoints ? Format::timeOfDay(latest.timestamp * 1000) : Format::none();
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ValueColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        return toolTip(series, index.column());
    case NameRole:
        return series.name;
    case ValueRole:
        return hasPoints ? QVariant(latest.value) : QVariant();
    case TimestampRole:
        return hasPoints ? QVariant(latest.timestamp) : QVariant();
    case SparklineRole: {
        QList<double> values;
        values.reserve(series.points.size());
        for (const MetricPoint &point : series.points)
            values.append(point.value);
        return QVariant::fromValue(values);
    }
    case SortRole:
        switch (index.column()) {
        case NameColumn:
            return series.name;
        case ValueColumn:
            return latest.value;
        case TimeColumn:
            return latest.timestamp;
        case TrendColumn:
            return qsizetype(series.points.size());
        }
        return {};
    default:
        return {};
    }
}

QVariant MetricModel::toolTip(const MetricSeries &series, int column) const
{
    if (series.points.isEmpty())
        return {};
    if (column == TimeColumn)
        return Format::dateTime(series.points.constLast().timestamp * 1000);
    if (column != TrendColumn)
        return {};
    const auto [min, max] = std::minmax_element(series.points.cbegin(), series.points.cend(),
        [](const MetricPoint &a, const MetricPoint &b) { return a.value < b.value; });
    return tr("%n sample(s), min %1, max %2", nullptr, int(series.points.size()))
        .arg(Format::value(min->value), Format::value(max->value));
}

QVariant MetricModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole && section == ValueColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Metric");
    case ValueColumn:
        return tr("Value");
    case TimeColumn:
        return tr("Time");
    case TrendColumn:
        return tr("Trend");
    }
    return {};
}

QHash<int, QByteArray> MetricModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(ValueRole, "value");
    names.insert(TimestampRole, "timestamp");
    names.insert(SparklineRole, "sparkline");
    return names;
}

} // namespace Garnet
