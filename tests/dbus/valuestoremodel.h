// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// For tst_valuestore: a plain model of what valuestore.h documents, colliding hashes and awkward names.
#pragma once

#include "valuestore.h"

#include <QStringList>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace Garnet::Testing {

// Hashes that make the store's table collide, to test the probing rather than the hash.
inline std::uint64_t constantHash(std::string_view)
{
    return 0x1234567800000005ull; // every name in one bucket, with one tag
}
inline std::uint64_t lengthHash(std::string_view name)
{
    return name.size(); // same length, same bucket; tag 0 for all
}
inline std::uint64_t fewBucketsHash(std::string_view name)
{
    return (ValueStore::hashName(name) & 0xffffffff00000000ull) | (name.empty() ? 0 : std::uint8_t(name[0]) % 3);
}
inline ValueStore::NameHash hashByName(const QString &name)
{
    if (name == u"constant")
        return &constantHash;
    if (name == u"length")
        return &lengthHash;
    if (name == u"few buckets")
        return &fewBucketsHash;
    return &ValueStore::hashName;
}

/** What valuestore.h documents, written the obvious way: the store must behave exactly like it. */
class ModelStore
{
public:
    explicit ModelStore(ValueStoreLimits limits)
        : m_limits(limits)
    {
        m_limits.pointsPerMetric = std::max<std::size_t>(1, m_limits.pointsPerMetric);
    }
    void record(const std::string &collector, const std::string &name, qint64 t, double v)
    {
        auto c = m_collectors.find(collector);
        const bool known = c != m_collectors.end() && c->second.count(name);
        if (!known) {
            const std::size_t inCollector = c == m_collectors.end() ? 0 : c->second.size();
            if (inCollector >= m_limits.metricsPerCollector || m_count >= m_limits.totalMetrics) {
                ++ignored;
                return;
            }
            ++m_count;
        }
        auto &ring = m_collectors[collector][name];
        ring.push_back({ t, v });
        if (ring.size() > m_limits.pointsPerMetric)
            ring.pop_front();
        if (m_isPending.insert({ collector, name }).second)
            m_pending.emplace_back(collector, name);
    }
    QStringList series() const
    {
        QStringList out;
        for (const auto &[collector, metrics] : m_collectors)
            for (const auto &[name, ring] : metrics) {
                QString line = QString::fromStdString(collector) + u'/' + QString::fromStdString(name) + u':';
                for (const MetricPoint &p : ring)
                    line += u' ' + QString::number(p.timestamp) + u'=' + QString::number(p.value);
                out << line;
            }
        return out;
    }
    MetricSampleList takePending()
    {
        MetricSampleList out;
        for (const auto &[collector, name] : m_pending) {
            const MetricPoint newest = m_collectors.at(collector).at(name).back();
            out.append(
                { QString::fromStdString(collector), QString::fromStdString(name), newest.timestamp, newest.value });
        }
        m_pending.clear();
        m_isPending.clear();
        return out;
    }
    void drop(const std::string &collector)
    {
        auto c = m_collectors.find(collector);
        if (c == m_collectors.end())
            return;
        m_count -= c->second.size();
        m_collectors.erase(c);
        std::erase_if(m_pending, [&](const auto &p) { return p.first == collector; });
        std::erase_if(m_isPending, [&](const auto &p) { return p.first == collector; });
    }
    std::size_t metricCount() const { return m_count; }
    std::size_t collectorCount() const { return m_collectors.size(); }
    qint64 ignored = 0;

private:
    ValueStoreLimits m_limits;
    std::map<std::string, std::map<std::string, std::deque<MetricPoint>>> m_collectors;
    std::vector<std::pair<std::string, std::string>> m_pending;
    std::set<std::pair<std::string, std::string>> m_isPending;
    std::size_t m_count = 0;
};

inline QStringList describe(const MetricSeriesList &list)
{
    QStringList out;
    for (const MetricSeries &s : list) {
        QString line = s.collector + u'/' + s.name + u':';
        for (const MetricPoint &p : s.points)
            line += u' ' + QString::number(p.timestamp) + u'=' + QString::number(p.value);
        out << line;
    }
    return out;
}

/** Names that are hard on a table and on word-wise compares: empty, prefixes, one byte apart, NULs, long. */
inline std::vector<std::string> trickyNames(int count)
{
    std::vector<std::string> names { "", "a", "ab", "abc", "abcd", "abcde", "abcdefg", "abcdefgh", "abcdefghi",
        "abcdefgh.abcdefg", "abcdefgh.abcdefgh", "abcdefgh.abcdefgi", "bbcdefgh.abcdefgh", std::string("a\0b", 3),
        std::string("a\0c", 3), "load;host=a", "load;host=b", std::string(100, 'x'), std::string(99, 'x') + 'y',
        std::string(101, 'x') };
    for (int i = 0; int(names.size()) < count; ++i)
        names.push_back("host.m" + std::to_string(i) + (i % 3 ? ".value" : ""));
    names.resize(std::size_t(count));
    return names;
}
} // namespace Garnet::Testing
