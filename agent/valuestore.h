// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/dbustypes.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
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
 *
 * record() sees every accepted metric, so it is built for speed: collectors print their metrics in the same
 * order every run, so each series remembers which one followed it last time and record() first compares the
 * name with that guess; only a wrong guess hashes the name into the collector's open-addressing table.
 */
class ValueStore
{
public:
    /** Hashes a metric name for the per-collector table. Injectable so that tests can force collisions. */
    using NameHash = std::uint64_t (*)(std::string_view name);
    static std::uint64_t hashName(std::string_view name) noexcept;

    explicit ValueStore(ValueStoreLimits limits = {}, NameHash hash = &ValueStore::hashName);
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
    static constexpr std::uint32_t NoSeries = UINT32_MAX;

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
    /**
     * A bounded ring of points (it fills by appending, oldest stays 0, then overwrites its oldest point) and the
     * name's place in its collector's name arena. 40 bytes: the hot path touches little memory per sample.
     */
    struct Series
    {
        std::unique_ptr<Point[]> points;
        std::size_t nameOffset = 0;
        std::uint32_t nameLength = 0;
        std::uint32_t size = 0; ///< points held
        std::uint32_t capacity = 0; ///< points allocated: grows by doubling up to the ring size
        std::uint32_t oldest = 0;
        std::uint32_t follower = NoSeries; ///< the series recorded right after this one last time
        bool pending = false; ///< in m_pending
        const Point &newest() const { return points[(oldest + size - 1) % size]; }
    };
    struct Collector
    {
        std::string_view name; ///< the map's key
        std::string names; ///< every series' name back to back, in order of first arrival
        std::vector<Series> series; ///< in order of first arrival; a collector is only ever forgotten whole
        /// Open addressing, linear probing, at most half full: (hash >> 32) << 32 | (index + 1); 0 is free.
        std::vector<std::uint64_t> table;
        std::uint32_t last = NoSeries; ///< the series of the previous sample
        std::uint32_t expected = NoSeries; ///< the guess for the next sample: last's follower

        std::string_view nameOf(const Series &series) const
        {
            return { names.data() + series.nameOffset, series.nameLength };
        }
    };
    using CollectorMap = std::unordered_map<std::string, Collector, StringHash, std::equal_to<>>;
    struct Pending
    {
        Collector *collector; ///< map nodes are stable until erased
        std::uint32_t series;
    };

    Collector *findOrAddCollector(std::string_view collector);
    std::uint32_t findOrAddSeries(Collector &collector, std::string_view name);
    std::uint32_t addSeries(Collector &collector, std::string_view name, std::uint64_t hash);
    void growTable(Collector &collector);
    /** A ring that is not full yet. */
    void append(Series &series, qint64 timestamp, double value);
    static void appendSeries(MetricSeriesList &out, const Collector &collector);

    ValueStoreLimits m_limits;
    NameHash m_hash;
    CollectorMap m_collectors;
    std::vector<Pending> m_pending;
    // Consecutive samples nearly always come from the same collector: skip the collector lookup for them.
    Collector *m_lastCollector = nullptr;
    std::size_t m_metricCount = 0;
    qint64 m_ignoredSamples = 0;
};

} // namespace Garnet
