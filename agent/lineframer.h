// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/metricline.h"

#include <string>
#include <string_view>

namespace Garnet {

/**
 * Splits a byte stream into complete '\n'-terminated lines. Complete lines are handed on as one block
 * straight from the input where possible (no copy); only a partial last line is kept. A partial line
 * that grows past MaxLineLength is dropped up to its next '\n' and reported once.
 */
class LineFramer
{
public:
    template<class LinesFn, class OverlongFn>
    void feed(std::string_view data, LinesFn &&onLines, OverlongFn &&onOverlong)
    {
        while (!data.empty()) {
            if (m_discarding) {
                const auto nl = data.find('\n');
                if (nl == std::string_view::npos)
                    return;
                m_discarding = false;
                data.remove_prefix(nl + 1);
                continue;
            }
            if (!m_partial.empty()) {
                const auto nl = data.find('\n');
                const auto take = nl == std::string_view::npos ? data.size() : nl + 1;
                if (m_partial.size() + take > MaxLineLength + 1) {
                    startDiscarding(onOverlong);
                    continue; // re-examines data in discarding mode
                }
                m_partial.append(data.substr(0, take));
                data.remove_prefix(take);
                if (nl == std::string_view::npos)
                    return;
                onLines(std::string_view(m_partial));
                m_partial.clear();
                continue;
            }
            const auto last = data.rfind('\n');
            if (last != std::string_view::npos) {
                onLines(data.substr(0, last + 1));
                data.remove_prefix(last + 1);
            }
            if (data.size() > MaxLineLength) {
                startDiscarding(onOverlong);
                continue;
            }
            m_partial.assign(data);
            return;
        }
    }

    /** At end of stream: the unterminated rest, if any (the framer is reset). */
    std::string takeTail()
    {
        std::string tail;
        tail.swap(m_partial);
        m_discarding = false;
        return tail;
    }

    std::size_t pendingBytes() const { return m_partial.size(); }

private:
    template<class OverlongFn>
    void startDiscarding(OverlongFn &&onOverlong)
    {
        m_partial.clear();
        m_discarding = true;
        onOverlong();
    }

    std::string m_partial;
    bool m_discarding = false;
};

} // namespace Garnet
