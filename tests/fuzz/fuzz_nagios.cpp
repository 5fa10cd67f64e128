// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The nagios dialect (monitoring-plugins output and exit status) on arbitrary bytes.
#include "fuzz_dialect.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return fuzzDialect(Garnet::Dialect::Nagios, data, size);
}
