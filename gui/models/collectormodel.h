// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "dbustypes.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace Garnet {

class AgentClient;

/** The agent's collectors as a table, one row per collector sorted by name; follows the client live. */
class CollectorModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        StateColumn,
        LastRunColumn,
        DurationColumn,
        ExitColumn,
        RunsColumn,
        FailuresColumn,
        NextRunColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        NameRole = Qt::UserRole + 1, ///< QString
        StateRole, ///< QString, untranslated: ok, failing, timed-out, disabled, running
        EnabledRole, ///< bool
        StderrTailRole, ///< QStringList
        SortRole, ///< a value that sorts naturally (numbers as numbers)
    };

    explicit CollectorModel(AgentClient *client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** -1 when unknown. */
    int rowOf(const QString &name) const;
    const CollectorStatus &statusAt(int row) const { return m_rows.at(row); }

    /** The translated name of a state. */
    static QString stateLabel(const QString &state);

private:
    void syncWithClient();
    void updateRow(const CollectorStatus &status);
    void replaceRow(int row, const CollectorStatus &status);
    QVariant displayData(const CollectorStatus &status, int column) const;
    QVariant sortData(const CollectorStatus &status, int column) const;
    QVariant toolTip(const CollectorStatus &status, int column) const;

    QPointer<AgentClient> m_client;
    CollectorStatusList m_rows;
};

} // namespace Garnet
