// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "collectormodel.h"

#include "agentclient.h"
#include "format.h"
#include "statestyle.h"

#include <QBrush>
#include <QSet>

namespace Garnet {

CollectorModel::CollectorModel(AgentClient *client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
    connect(client, &AgentClient::collectorsChanged, this, &CollectorModel::syncWithClient);
    connect(client, &AgentClient::collectorUpdated, this, &CollectorModel::updateRow);
    syncWithClient();
}

int CollectorModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CollectorModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int CollectorModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).name == name)
            return row;
    }
    return -1;
}

QString CollectorModel::stateLabel(const QString &state)
{
    if (state == QLatin1String("ok"))
        return tr("ok");
    if (state == QLatin1String("failing"))
        return tr("failing");
    if (state == QLatin1String("timed-out"))
        return tr("timed out");
    if (state == QLatin1String("disabled"))
        return tr("disabled");
    if (state == QLatin1String("running"))
        return tr("running");
    return state;
}

QVariant CollectorModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CollectorStatus &status = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(status, column);
    case Qt::DecorationRole:
        if (column == StateColumn)
            return StateStyle::color(status.state);
        return {};
    case Qt::ForegroundRole:
        if (column == StateColumn || column == NameColumn) {
            const QColor color = StateStyle::textColor(status.state);
            if (color.isValid())
                return QBrush(color);
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column >= DurationColumn && column <= FailuresColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        return toolTip(status, column);
    case NameRole:
        return status.name;
    case StateRole:
        return status.state;
    case EnabledRole:
        return status.enabled;
    case StderrTailRole:
        return status.stderrTail;
    case SortRole:
        return sortData(status, column);
    default:
        return {};
    }
}

QVariant CollectorModel::displayData(const CollectorStatus &status, int column) const
{
    switch (column) {
    case NameColumn:
        return status.name;
    case StateColumn:
        return stateLabel(status.state);
    case LastRunColumn:
        return Format::timeOfDay(status.lastRunMs);
    case DurationColumn:
        return Format::duration(status.lastDurationMs);
    case ExitColumn:
        return status.lastExit < 0 ? Format::none() : QString::number(status.lastExit);
    case RunsColumn:
        return QString::number(status.runs);
    case FailuresColumn:
        return QString::number(status.failures);
    case NextRunColumn:
        if (!status.enabled)
            return tr("disabled");
        return Format::timeOfDay(status.nextRunMs);
    }
    return {};
}

QVariant CollectorModel::sortData(const CollectorStatus &status, int column) const
{
    switch (column) {
    case NameColumn:
        return status.name;
    case StateColumn:
        return status.state;
    case LastRunColumn:
        return status.lastRunMs;
    case DurationColumn:
        return status.lastDurationMs;
    case ExitColumn:
        return status.lastExit;
    case RunsColumn:
        return status.runs;
    case FailuresColumn:
        return status.failures;
    case NextRunColumn:
        return status.nextRunMs;
    }
    return {};
}

QVariant CollectorModel::toolTip(const CollectorStatus &status, int column) const
{
    switch (column) {
    case StateColumn:
        if (!status.stderrTail.isEmpty())
            return tr("%1 — last error output: %2").arg(stateLabel(status.state), status.stderrTail.constLast());
        return stateLabel(status.state);
    case LastRunColumn:
        return Format::dateTime(status.lastRunMs);
    case NextRunColumn:
        return Format::dateTime(status.nextRunMs);
    case ExitColumn:
        if (status.lastExit > 128)
            return tr("Killed by signal %1").arg(status.lastExit - 128);
        return {};
    case FailuresColumn:
        return tr("%n timeout(s), %1 skipped tick(s)", nullptr, int(status.timeouts)).arg(status.skipped);
    }
    return {};
}

QVariant CollectorModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole && section >= DurationColumn
        && section <= FailuresColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter); // numbers line up under their header
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Collector");
    case StateColumn:
        return tr("State");
    case LastRunColumn:
        return tr("Last run");
    case DurationColumn:
        return tr("Duration");
    case ExitColumn:
        return tr("Exit");
    case RunsColumn:
        return tr("Runs");
    case FailuresColumn:
        return tr("Failures");
    case NextRunColumn:
        return tr("Next run");
    }
    return {};
}

QHash<int, QByteArray> CollectorModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(StateRole, "state");
    names.insert(EnabledRole, "enabled");
    names.insert(StderrTailRole, "stderrTail");
    return names;
}

void CollectorModel::syncWithClient()
{
    // Both lists are sorted by name: remove what is gone, then merge in what is new, so views keep their
    // selection and scroll position instead of seeing a reset.
    const CollectorStatusList &latest = m_client->collectors();
    QSet<QString> latestNames;
    for (const CollectorStatus &status : latest)
        latestNames.insert(status.name);

    for (int last = int(m_rows.size()) - 1; last >= 0;) {
        if (latestNames.contains(m_rows.at(last).name)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !latestNames.contains(m_rows.at(first - 1).name))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }

    int row = 0;
    for (qsizetype i = 0; i < latest.size();) {
        if (row < m_rows.size() && m_rows.at(row).name == latest.at(i).name) {
            replaceRow(row, latest.at(i));
            ++row;
            ++i;
            continue;
        }
        qsizetype end = i + 1; // new collectors [i, end) all go before m_rows[row]
        while (end < latest.size() && (row >= m_rows.size() || m_rows.at(row).name != latest.at(end).name))
            ++end;
        const int count = int(end - i);
        beginInsertRows({}, row, row + count - 1);
        m_rows.insert(row, count, CollectorStatus {});
        for (int k = 0; k < count; ++k)
            m_rows[row + k] = latest.at(i + k);
        endInsertRows();
        row += count;
        i = end;
    }
}

void CollectorModel::updateRow(const CollectorStatus &status)
{
    const int row = rowOf(status.name);
    if (row < 0) {
        syncWithClient();
        return;
    }
    replaceRow(row, status);
}

void CollectorModel::replaceRow(int row, const CollectorStatus &status)
{
    const CollectorStatus old = std::exchange(m_rows[row], status);
    const bool changed[ColumnCount] = {
        false, // the name is the row's identity
        old.state != status.state || old.stderrTail != status.stderrTail,
        old.lastRunMs != status.lastRunMs,
        old.lastDurationMs != status.lastDurationMs,
        old.lastExit != status.lastExit,
        old.runs != status.runs,
        old.failures != status.failures || old.timeouts != status.timeouts || old.skipped != status.skipped,
        old.nextRunMs != status.nextRunMs || old.enabled != status.enabled,
    };
    int first = -1;
    int last = -1;
    for (int column = 0; column < ColumnCount; ++column) {
        if (changed[column]) {
            first = first < 0 ? column : first;
            last = column;
        }
    }
    if (old.state != status.state || old.enabled != status.enabled)
        first = NameColumn; // the name's colour follows the state; EnabledRole belongs to the whole row
    if (first >= 0)
        Q_EMIT dataChanged(index(row, first), index(row, last));
}

} // namespace Garnet
