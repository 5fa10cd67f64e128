// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "configreader.h"

#include "duration.h"

#include <QFile>

#include <algorithm>
#include <array>

namespace Garnet::ConfigReader {

namespace {

/** Levenshtein distance, for "did you mean" hints; keys are short. */
std::size_t editDistance(std::string_view a, std::string_view b)
{
    constexpr std::size_t MaxLength = 63;
    if (a.size() > MaxLength || b.size() > MaxLength)
        return MaxLength;
    std::array<std::size_t, MaxLength + 1> row;
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

void Diagnostics::add(const toml::source_position &where, const QString &message)
{
    // toml++ positions are 1-based; guard against a node without a recorded source.
    const toml::source_position position { std::max<toml::source_index>(where.line, 1),
        std::max<toml::source_index>(where.column, 1) };
    m_entries.push_back({ position, message });
}

void Diagnostics::appendTo(QStringList &errors)
{
    std::stable_sort(m_entries.begin(), m_entries.end(), [](const Entry &a, const Entry &b) {
        return a.where.line != b.where.line ? a.where.line < b.where.line : a.where.column < b.where.column;
    });
    for (const Entry &entry : m_entries)
        errors << QStringLiteral("%1:%2:%3: %4")
                      .arg(m_file)
                      .arg(entry.where.line)
                      .arg(entry.where.column)
                      .arg(entry.message);
    m_entries.clear();
}

std::optional<toml::table> parseFile(Diagnostics &diagnostics)
{
    QFile file(diagnostics.file());
    if (!file.open(QIODevice::ReadOnly)) {
        diagnostics.addAtStart(QStringLiteral("cannot read the file: %1").arg(file.errorString()));
        return std::nullopt;
    }
    const QByteArray text = file.readAll();
    const QByteArray path = diagnostics.file().toUtf8();
    try {
        return toml::parse(std::string_view(text.constData(), std::size_t(text.size())),
            std::string_view(path.constData(), std::size_t(path.size())));
    } catch (const toml::parse_error &error) {
        diagnostics.add(error.source().begin, qs(error.description()));
        return std::nullopt;
    }
}

QString typeName(const toml::node &node)
{
    switch (node.type()) {
    case toml::node_type::table:
        return QStringLiteral("table");
    case toml::node_type::array:
        return QStringLiteral("array");
    case toml::node_type::string:
        return QStringLiteral("string");
    case toml::node_type::integer:
        return QStringLiteral("integer");
    case toml::node_type::floating_point:
        return QStringLiteral("float");
    case toml::node_type::boolean:
        return QStringLiteral("boolean");
    case toml::node_type::date:
        return QStringLiteral("date");
    case toml::node_type::time:
        return QStringLiteral("time");
    case toml::node_type::date_time:
        return QStringLiteral("date-time");
    case toml::node_type::none:
        break;
    }
    return QStringLiteral("nothing");
}

void checkKnownKeys(const toml::table &table, std::initializer_list<std::string_view> known, const QString &where,
    Diagnostics &diagnostics)
{
    for (const auto &[key, value] : table) {
        const std::string_view name = key.str();
        if (std::find(known.begin(), known.end(), name) != known.end())
            continue;
        QString message = QStringLiteral("unknown key '%1' %2").arg(qs(name), where);
        std::string_view closest;
        std::size_t closestDistance = 3; // suggest only close misspellings
        for (const std::string_view candidate : known) {
            if (const std::size_t distance = editDistance(name, candidate); distance < closestDistance) {
                closest = candidate;
                closestDistance = distance;
            }
        }
        if (!closest.empty())
            message += QStringLiteral("; did you mean '%1'?").arg(qs(closest));
        diagnostics.add(key.source().begin, message);
    }
}

toml::source_position keyPosition(const toml::table &table, std::string_view key)
{
    const auto it = table.find(key);
    return it == table.end() ? toml::source_position { 1, 1 } : it->first.source().begin;
}

std::optional<QString> getString(const toml::table &table, std::string_view key, Diagnostics &diagnostics)
{
    const toml::node *node = table.get(key);
    if (!node)
        return std::nullopt;
    if (const auto *text = node->as_string())
        return qs(text->get());
    diagnostics.add(*node, QStringLiteral("'%1' must be a string, got %2").arg(qs(key), typeName(*node)));
    return std::nullopt;
}

std::optional<QString> getNonEmptyString(const toml::table &table, std::string_view key, Diagnostics &diagnostics)
{
    std::optional<QString> text = getString(table, key, diagnostics);
    if (text && text->isEmpty()) {
        diagnostics.add(*table.get(key), QStringLiteral("'%1' must not be empty").arg(qs(key)));
        return std::nullopt;
    }
    return text;
}

std::optional<bool> getBool(const toml::table &table, std::string_view key, Diagnostics &diagnostics)
{
    const toml::node *node = table.get(key);
    if (!node)
        return std::nullopt;
    if (const auto *flag = node->as_boolean())
        return flag->get();
    diagnostics.add(
        *node, QStringLiteral("'%1' must be true or false (without quotes), got %2").arg(qs(key), typeName(*node)));
    return std::nullopt;
}

std::optional<qint64> getInteger(const toml::table &table, std::string_view key, Diagnostics &diagnostics)
{
    const toml::node *node = table.get(key);
    if (!node)
        return std::nullopt;
    if (const auto *number = node->as_integer())
        return number->get();
    diagnostics.add(*node, QStringLiteral("'%1' must be an integer, got %2").arg(qs(key), typeName(*node)));
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> getDuration(
    const toml::table &table, std::string_view key, ZeroDuration zero, Diagnostics &diagnostics)
{
    const toml::node *node = table.get(key);
    if (!node)
        return std::nullopt;
    const auto *text = node->as_string();
    if (!text) {
        diagnostics.add(
            *node, QStringLiteral("'%1' must be a string duration like \"10s\", got %2").arg(qs(key), typeName(*node)));
        return std::nullopt;
    }
    const std::optional<std::chrono::milliseconds> duration = parseDuration(text->get());
    if (!duration) {
        diagnostics.add(*node,
            QStringLiteral("'%1' has an invalid duration \"%2\": write a whole number and a unit "
                           "(ms, s, m, h), like \"500ms\", \"10s\", \"2m\" or \"1m30s\"")
                .arg(qs(key), qs(text->get())));
        return std::nullopt;
    }
    if (zero == ZeroDuration::Rejected && duration->count() == 0) {
        diagnostics.add(*node, QStringLiteral("'%1' must be longer than zero").arg(qs(key)));
        return std::nullopt;
    }
    return duration;
}

} // namespace Garnet::ConfigReader
