// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "metricfiltermodel.h"

#include "metricmodel.h"

namespace Garnet {

MetricFilterModel::MetricFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setFilterKeyColumn(MetricModel::NameColumn);
    setFilterRole(MetricModel::NameRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortRole(MetricModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void MetricFilterModel::setFilterText(const QString &text)
{
    setFilterFixedString(text.trimmed());
}

} // namespace Garnet
