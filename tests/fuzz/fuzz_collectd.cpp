// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The collectd dialect (exec-plugin PUTVAL/PUTNOTIF lines) on arbitrary bytes.
#include "fuzz_dialect.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    return fuzzDialect(Garnet::Dialect::Collectd, data, size);
}
