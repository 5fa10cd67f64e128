// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>

namespace Garnet {

/** MetricModel filtered by a case-insensitive part of the metric name, sortable by any column. */
class MetricFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit MetricFilterModel(QObject *parent = nullptr);

public Q_SLOTS:
    /** Keep the metrics whose name contains text (empty: all). */
    void setFilterText(const QString &text);
};

} // namespace Garnet
