// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// One collector run's output through a dialect translator: whatever comes out must be valid Graphite lines.

#include "common/dialect.h"
#include "common/metricline.h"
#include "fuzzcheck.h"

#include <cstdint>
#include <string_view>

inline int fuzzDialect(Garnet::Dialect dialect, const std::uint8_t *data, std::size_t size)
{
    using namespace Garnet;
    if (size == 0)
        return 0;
    // The first byte is the exit status; the rest is the run's standard output, fed in two pieces.
    const int exitStatus = data[0] % 140 - 4;
    std::string_view output(reinterpret_cast<const char *>(data + 1), size - 1);
    const auto lastNewline = output.rfind('\n');
    const std::string_view lines
        = lastNewline == std::string_view::npos ? std::string_view() : output.substr(0, lastNewline + 1);
    const std::string_view tail = output.substr(lines.size());
    static DialectTranslator translator(dialect); // reused across inputs, as the agent reuses it across runs
    translator.startRun();
    const auto middle = lines.find('\n', lines.size() / 2);
    if (middle != std::string_view::npos) {
        translator.translate(lines.substr(0, middle + 1));
        translator.translate(lines.substr(middle + 1));
    } else {
        translator.translate(lines);
    }
    translator.finishRun(tail, exitStatus);
    std::string_view produced = translator.lines();
    FUZZ_CHECK(produced.empty() || produced.back() == '\n', "translated lines end in '\\n'");
    while (!produced.empty()) {
        const auto newline = produced.find('\n');
        ParsedMetric metric;
        FUZZ_CHECK(parseMetricLine(produced.substr(0, newline), metric) == RejectReason::None,
            "a translated line is a valid Graphite line");
        produced.remove_prefix(newline + 1);
    }
    for (const RejectReason reason : translator.rejects())
        FUZZ_CHECK(reason != RejectReason::None && reason < RejectReason::Count, "a reject has a reason");
    translator.clear();
    return 0;
}
