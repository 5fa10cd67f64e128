// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/metricline.h"
#include "runcontext.h"

#include <string_view>

namespace Garnet {

/** Where framed metric lines go (the Pipeline in production, a recorder in tests). */
class LineSink
{
public:
    virtual ~LineSink() = default;
    /** lines: one or more complete lines, each terminated by '\n'. */
    virtual void ingestLines(const RunContext &run, std::string_view lines) = 0;
    /** A line rejected before parsing (too long, unterminated at EOF). */
    virtual void rejectLine(const RunContext &run, RejectReason reason) = 0;
    /** True while every live output is full: readers should stop reading until congestionChanged. */
    virtual bool isCongested() const = 0;
};

} // namespace Garnet
