// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "valuestore.h"

#include <algorithm>
#include <cstring>

namespace Garnet {

namespace {
constexpr std::size_t InitialRingCapacity = 8; // a new ring starts small and doubles up to the limit
constexpr std::size_t InitialTableSize = 16;
constexpr std::size_t MaxRingSize = std::size_t(1) << 30; // ring positions are 32-bit

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

std::uint64_t load64(const unsigned char *p)
{
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

std::uint64_t load32(const unsigned char *p)
{
    std::uint32_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

/** 64×64 → 128-bit multiply with both halves folded (wyhash's mixer); a plainer mix without 128-bit integers. */
std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
#ifdef __SIZEOF_INT128__
    const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return std::uint64_t(product) ^ std::uint64_t(product >> 64);
#else
    const std::uint64_t product = a * b;
    return product ^ (product >> 32) ^ ((a ^ (a >> 29)) * (b | 1));
#endif
}

/** Equal names: inline word compares, as names are short and a memcmp() call costs more than the compare. */
bool sameBytes(std::string_view a, std::string_view b)
{
    const std::size_t n = a.size();
    if (n != b.size())
        return false;
    const auto *p = reinterpret_cast<const unsigned char *>(a.data());
    const auto *q = reinterpret_cast<const unsigned char *>(b.data());
    if (n >= 8) { // whole words, then the last 8 bytes (overlapping the word before them)
        for (std::size_t i = 0; i + 8 < n; i += 8)
            if (load64(p + i) != load64(q + i))
                return false;
        return load64(p + n - 8) == load64(q + n - 8);
    }
    if (n >= 4)
        return load32(p) == load32(q) && load32(p + n - 4) == load32(q + n - 4);
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] != q[i])
            return false;
    return true;
}

/** Linear probing into a table at most half full: the slot holds the hash's high half and index + 1. */
void placeInTable(std::vector<std::uint64_t> &table, std::uint64_t hash, std::uint32_t index)
{
    const std::size_t mask = table.size() - 1;
    std::size_t i = hash & mask;
    while (table[i] != 0)
        i = (i + 1) & mask;
    table[i] = (hash >> 32) << 32 | (std::uint64_t(index) + 1);
}
} // namespace

std::uint64_t ValueStore::hashName(std::string_view name) noexcept
{
    // wyhash-like: 8 bytes per multiply; the last word overlaps the one before it rather than being padded.
    constexpr std::uint64_t P0 = 0xa0761d6478bd642full;
    constexpr std::uint64_t P1 = 0xe7037ed1a0b428dbull;
    constexpr std::uint64_t P2 = 0x8ebc6af09c88c6e3ull;
    const auto *p = reinterpret_cast<const unsigned char *>(name.data());
    std::size_t n = name.size();
    std::uint64_t h = P0 ^ mix(n ^ P1, P2);
    if (n <= 8) {
        std::uint64_t word = 0;
        if (n >= 4)
            word = load32(p) << 32 | load32(p + n - 4);
        else if (n > 0)
            word = std::uint64_t(p[0]) << 16 | std::uint64_t(p[n / 2]) << 8 | p[n - 1];
        return mix(h ^ word ^ P1, P2 ^ n);
    }
    const unsigned char *const last = p + n - 8;
    for (; p < last; p += 8)
        h = mix(h ^ load64(p) ^ P1, P2);
    return mix(h ^ load64(last) ^ P1, P2 ^ n);
}

ValueStore::ValueStore(ValueStoreLimits limits, NameHash hash)
    : m_limits(limits)
    , m_hash(hash ? hash : &ValueStore::hashName)
{
    m_limits.pointsPerMetric = std::clamp<std::size_t>(m_limits.pointsPerMetric, 1, MaxRingSize);
}

void ValueStore::append(Series &series, qint64 timestamp, double value)
{
    if (series.size == series.capacity) { // grow by doubling, but never beyond the ring size
        const auto capacity
            = std::uint32_t(std::min<std::size_t>(std::size_t(series.capacity) * 2, m_limits.pointsPerMetric));
        auto points = std::make_unique_for_overwrite<Point[]>(capacity);
        std::copy(series.points.get(), series.points.get() + series.size, points.get());
        series.points = std::move(points);
        series.capacity = capacity;
    }
    series.points[series.size++] = { timestamp, value };
}

void ValueStore::record(std::string_view collector, std::string_view name, qint64 timestamp, double value)
{
    Collector *values = m_lastCollector;
    if (!values || !sameBytes(collector, values->name))
        values = findOrAddCollector(collector); // collector names come from the configuration: few
    std::uint32_t index = values->expected;
    if (index == NoSeries || !sameBytes(values->nameOf(values->series[index]), name)) {
        index = findOrAddSeries(*values, name);
        if (index == NoSeries) {
            ++m_ignoredSamples;
            return;
        }
        if (values->last != NoSeries)
            values->series[values->last].follower = index; // learn the order for the next run
    }
    Series &series = values->series[index];
    if (series.size == m_limits.pointsPerMetric) { // a full ring (the usual case): overwrite its oldest point
        series.points[series.oldest] = { timestamp, value };
        if (++series.oldest == series.size)
            series.oldest = 0;
    } else {
        append(series, timestamp, value);
    }
    if (!series.pending) {
        series.pending = true;
        m_pending.push_back({ values, index });
    }
    values->last = index;
    values->expected = series.follower;
    if (values->expected != NoSeries) {
        // The ring slot the next sample most likely goes to is a cache miss (every series has its own ring,
        // visited once per round of the collector's metrics): start loading it while the next line is parsed.
        const Series &next = values->series[values->expected];
        __builtin_prefetch(next.points.get() + (next.size < next.capacity ? next.size : next.oldest), 1);
    }
}

ValueStore::Collector *ValueStore::findOrAddCollector(std::string_view collector)
{
    auto it = m_collectors.find(collector);
    if (it == m_collectors.end()) {
        it = m_collectors.emplace(std::string(collector), Collector {}).first;
        it->second.name = it->first; // node keys are stable until the node is erased
    }
    m_lastCollector = &it->second;
    return m_lastCollector;
}

std::uint32_t ValueStore::findOrAddSeries(Collector &collector, std::string_view name)
{
    const std::uint64_t hash = m_hash(name);
    if (!collector.table.empty()) {
        const std::uint64_t tag = hash >> 32;
        const std::size_t mask = collector.table.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const std::uint64_t slot = collector.table[i];
            if (slot == 0)
                break;
            const auto index = std::uint32_t(slot) - 1;
            if (slot >> 32 == tag && sameBytes(collector.nameOf(collector.series[index]), name))
                return index;
        }
    }
    return addSeries(collector, name, hash);
}

std::uint32_t ValueStore::addSeries(Collector &collector, std::string_view name, std::uint64_t hash)
{
    if (collector.series.size() >= m_limits.metricsPerCollector || m_metricCount >= m_limits.totalMetrics
        || collector.series.size() >= NoSeries - 1 || name.size() > UINT32_MAX)
        return NoSeries;
    if ((collector.series.size() + 1) * 2 > collector.table.size())
        growTable(collector);
    const auto index = std::uint32_t(collector.series.size());
    placeInTable(collector.table, hash, index);

    Series series;
    series.nameOffset = collector.names.size();
    series.nameLength = std::uint32_t(name.size());
    collector.names.append(name);
    series.capacity = std::uint32_t(std::min(InitialRingCapacity, m_limits.pointsPerMetric));
    series.points = std::make_unique_for_overwrite<Point[]>(series.capacity);
    collector.series.push_back(std::move(series));
    ++m_metricCount;
    return index;
}

void ValueStore::growTable(Collector &collector)
{
    const std::size_t size = std::max(InitialTableSize, collector.table.size() * 2);
    collector.table.assign(size, 0);
    for (std::size_t index = 0; index < collector.series.size(); ++index)
        placeInTable(collector.table, m_hash(collector.nameOf(collector.series[index])), std::uint32_t(index));
}

void ValueStore::appendSeries(MetricSeriesList &out, const Collector &collector)
{
    std::vector<std::uint32_t> sorted(collector.series.size());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        sorted[i] = std::uint32_t(i);
    std::sort(sorted.begin(), sorted.end(), [&collector](std::uint32_t a, std::uint32_t b) {
        return collector.nameOf(collector.series[a]) < collector.nameOf(collector.series[b]);
    });
    const QString collectorName = fromUtf8(collector.name);
    for (const std::uint32_t index : sorted) {
        const Series &series = collector.series[index];
        MetricSeries item;
        item.collector = collectorName;
        item.name = fromUtf8(collector.nameOf(series));
        item.points.reserve(qsizetype(series.size));
        for (std::size_t i = 0; i < series.size; ++i) {
            const Point &p = series.points[(series.oldest + i) % series.size];
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
            appendSeries(out, it->second);
        return out;
    }
    std::vector<const CollectorMap::value_type *> sorted;
    for (const auto &entry : m_collectors)
        sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](const auto *a, const auto *b) { return a->first < b->first; });
    for (const auto *entry : sorted)
        appendSeries(out, entry->second);
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
        Series &series = pending.collector->series[pending.series];
        series.pending = false;
        const Point &newest = series.newest();
        out.append({ fromUtf8(pending.collector->name), fromUtf8(pending.collector->nameOf(series)), newest.timestamp,
            newest.value });
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
        const Collector *collector = &it->second;
        m_pending.erase(std::remove_if(m_pending.begin(), m_pending.end(),
                            [collector](const Pending &p) { return p.collector == collector; }),
            m_pending.end());
        m_metricCount -= collector->series.size();
        it = m_collectors.erase(it);
    }
    m_lastCollector = nullptr;
}

} // namespace Garnet
