// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/dbustypes.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace Garnet {

/** What keeps the store's memory bounded whatever the collectors send. */
struct ValueStoreLimits
{
    std::size_t pointsPerMetric = 120; ///< ring size: two minutes of sparkline at 1 s
    std::size_t metricsPerCollector = 5000;
    /// Over all collectors. Worst case ~10000 × 120 × 16 B ≈ 19 MB of points, and a Values("") reply stays under
    /// the system bus's 32 MiB message limit.
    std::size_t totalMetrics = 10000;
};

/**
 * The most recent samples of every metric, per collector, for status clients (sparklines, `garnetctl values`).
 * Names are kept as the collector wrote them (tags included). A metric name beyond the limits is not stored;
 * its samples are counted in ignoredSamples(). record() does not allocate for a metric the store already
 * holds once its ring is full (rings grow by doubling up to pointsPerMetric).
 * Also remembers which metrics got a sample since the last takePending(), for coalesced change signals.
 */
class ValueStore
{
public:
    explicit ValueStore(ValueStoreLimits limits = {});
    ValueStore(const ValueStore &) = delete;
    ValueStore &operator=(const ValueStore &) = delete;

    /** Hot path: one accepted metric. */
    void record(std::string_view collector, std::string_view name, qint64 timestamp, double value);

    /** Every series of one collector (empty: of every collector), sorted by collector and name, oldest first. */
    MetricSeriesList series(QStringView collector = {}) const;
    bool hasCollector(QStringView collector) const;
    /** The newest sample of each metric recorded since the last call, in order of first arrival. */
    MetricSampleList takePending();
    bool hasPending() const { return !m_pending.empty(); }
    /** Forget every collector for which keep(name) is false (e.g. removed by a reload). */
    void retainCollectors(const std::function<bool(std::string_view)> &keep);

    std::size_t metricCount() const { return m_metricCount; }
    std::size_t collectorCount() const { return m_collectors.size(); }
    qint64 ignoredSamples() const { return m_ignoredSamples; } ///< samples of names beyond the limits
    const ValueStoreLimits &limits() const { return m_limits; }

private:
    /** Heterogeneous lookup: find a std::string key with a std::string_view, without building a string. */
    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view> {}(text); }
    };
    struct Point
    {
        qint64 timestamp;
        double value;
    };
    /** A bounded ring of points. It fills by appending (oldest stays 0), then overwrites its oldest point. */
    struct Series
    {
        std::vector<Point> points;
        std::size_t oldest = 0;
        bool pending = false;
        const Point &newest() const { return points[(oldest + points.size() - 1) % points.size()]; }
    };
    using SeriesMap = std::unordered_map<std::string, Series, StringHash, std::equal_to<>>;
    struct CollectorValues
    {
        SeriesMap series;
    };
    using CollectorMap = std::unordered_map<std::string, CollectorValues, StringHash, std::equal_to<>>;
    struct Pending
    {
        const std::string *collector; ///< node keys: stable until the node is erased
        SeriesMap::value_type *metric;
    };

    CollectorValues *findOrAddCollector(std::string_view collector);
    void append(Series &series, qint64 timestamp, double value);
    static void appendSeries(MetricSeriesList &out, const std::string &collector, const CollectorValues &values);

    ValueStoreLimits m_limits;
    CollectorMap m_collectors;
    std::vector<Pending> m_pending;
    // Consecutive samples nearly always come from the same collector: skip the collector lookup for them.
    std::string_view m_lastCollectorName;
    CollectorValues *m_lastCollector = nullptr;
    const std::string *m_lastCollectorKey = nullptr;
    std::size_t m_metricCount = 0;
    qint64 m_ignoredSamples = 0;
};

} // namespace Garnet
