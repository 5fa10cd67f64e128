// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "valuestore.h"

#include <algorithm>

namespace Garnet {

namespace {
constexpr std::size_t InitialRingCapacity = 8; // a new ring starts small and doubles up to the limit

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}
} // namespace

ValueStore::ValueStore(ValueStoreLimits limits)
    : m_limits(limits)
{
    m_limits.pointsPerMetric = std::max<std::size_t>(1, m_limits.pointsPerMetric);
}

void ValueStore::record(std::string_view collector, std::string_view name, qint64 timestamp, double value)
{
    CollectorValues *values = m_lastCollector;
    if (!values || collector != m_lastCollectorName)
        values = findOrAddCollector(collector); // collector names come from the configuration: few
    SeriesMap::iterator it = values->series.find(name);
    if (it == values->series.end()) {
        if (values->series.size() >= m_limits.metricsPerCollector || m_metricCount >= m_limits.totalMetrics) {
            ++m_ignoredSamples;
            return;
        }
        it = values->series.emplace(std::string(name), Series {}).first;
        it->second.points.reserve(std::min(InitialRingCapacity, m_limits.pointsPerMetric));
        ++m_metricCount;
    }
    append(it->second, timestamp, value);
    if (!it->second.pending) {
        it->second.pending = true;
        m_pending.push_back({ m_lastCollectorKey, &*it });
    }
}

ValueStore::CollectorValues *ValueStore::findOrAddCollector(std::string_view collector)
{
    auto it = m_collectors.find(collector);
    if (it == m_collectors.end())
        it = m_collectors.emplace(std::string(collector), CollectorValues {}).first;
    m_lastCollectorKey = &it->first; // node keys are stable until the node is erased
    m_lastCollectorName = it->first;
    m_lastCollector = &it->second;
    return m_lastCollector;
}

void ValueStore::append(Series &series, qint64 timestamp, double value)
{
    std::vector<Point> &points = series.points;
    if (points.size() < m_limits.pointsPerMetric) {
        if (points.size() == points.capacity()) // grow by doubling, but never beyond the ring size
            points.reserve(std::min(std::max<std::size_t>(1, points.capacity() * 2), m_limits.pointsPerMetric));
        points.push_back({ timestamp, value });
        return;
    }
    points[series.oldest] = { timestamp, value };
    series.oldest = (series.oldest + 1) % points.size();
}

void ValueStore::appendSeries(MetricSeriesList &out, const std::string &collector, const CollectorValues &values)
{
    std::vector<const SeriesMap::value_type *> sorted;
    sorted.reserve(values.series.size());
    for (const auto &entry : values.series)
        sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](const auto *a, const auto *b) { return a->first < b->first; });
    const QString collectorName = fromUtf8(collector);
    for (const auto *entry : sorted) {
        const Series &series = entry->second;
        MetricSeries item;
        item.collector = collectorName;
        item.name = fromUtf8(entry->first);
        item.points.reserve(qsizetype(series.points.size()));
        const std::size_t size = series.points.size();
        for (std::size_t i = 0; i < size; ++i) {
            const Point &p = series.points[(series.oldest + i) % size];
            item.points.append({ p.timestamp, p.value });
        }
        out.append(std::move(item));
    }
}

MetricSeriesList ValueStore::series(QStringView collector) const
{
    MetricSeriesList out;
    if (!collector.isEmpty()) {
        const QByteArray key = collector.toUtf8();
        const auto it = m_collectors.find(std::string_view(key.constData(), std::size_t(key.size())));
        if (it != m_collectors.end())
            appendSeries(out, it->first, it->second);
        return out;
    }
    std::vector<const CollectorMap::value_type *> sorted;
    for (const auto &entry : m_collectors)
        sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](const auto *a, const auto *b) { return a->first < b->first; });
    for (const auto *entry : sorted)
        appendSeries(out, entry->first, entry->second);
    return out;
}

bool ValueStore::hasCollector(QStringView collector) const
{
    const QByteArray key = collector.toUtf8();
    return m_collectors.find(std::string_view(key.constData(), std::size_t(key.size()))) != m_collectors.end();
}

MetricSampleList ValueStore::takePending()
{
    MetricSampleList out;
    out.reserve(qsizetype(m_pending.size()));
    for (const Pending &pending : m_pending) {
        Series &series = pending.metric->second;
        series.pending = false;
        const Point &newest = series.newest();
        out.append({ fromUtf8(*pending.collector), fromUtf8(pending.metric->first), newest.timestamp, newest.value });
    }
    m_pending.clear(); // keeps its capacity for the next round
    return out;
}

void ValueStore::retainCollectors(const std::function<bool(std::string_view)> &keep)
{
    for (auto it = m_collectors.begin(); it != m_collectors.end();) {
        if (keep(it->first)) {
            ++it;
            continue;
        }
        const std::string *key = &it->first;
        m_pending.erase(
            std::remove_if(m_pending.begin(), m_pending.end(), [key](const Pending &p) { return p.collector == key; }),
            m_pending.end());
        m_metricCount -= it->second.series.size();
        it = m_collectors.erase(it);
    }
    m_lastCollector = nullptr;
    m_lastCollectorKey = nullptr;
    m_lastCollectorName = {};
}

} // namespace Garnet
