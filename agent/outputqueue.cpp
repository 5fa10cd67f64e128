// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "outputqueue.h"

#include <algorithm>
#include <cstring>

namespace Garnet {

namespace {
/** Offset just past the n-th '\n' of data (n >= 1); data.size() if it has fewer. */
std::size_t afterNthNewline(std::string_view data, qint64 n)
{
    std::size_t pos = 0;
    while (n-- > 0 && pos < data.size()) {
        const void *nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
        if (!nl)
            return data.size();
        pos = std::size_t(static_cast<const char *>(nl) - data.data()) + 1;
    }
    return pos;
}
} // namespace

OutputQueue::OutputQueue(qint64 capacityLines)
    : m_capacity(std::max<qint64>(1, capacityLines))
{ }

qint64 OutputQueue::push(std::string_view lines, qint64 lineCount)
{
    if (lineCount <= 0 || lines.empty())
        return 0;
    Q_ASSERT(lines.back() == '\n');
    qint64 dropped = 0;
    if (lineCount > m_capacity) { // the block alone overflows: its own oldest lines go first
        const qint64 skip = lineCount - m_capacity;
        lines.remove_prefix(afterNthNewline(lines, skip));
        lineCount = m_capacity;
        dropped += skip;
    }
    dropped += dropOldest(m_lines + lineCount - m_capacity);
    if (m_chunks.empty() || m_chunks.back().data.size() >= ChunkBytes) {
        m_chunks.emplace_back();
        m_chunks.back().data.swap(m_spare);
        m_chunks.back().data.clear();
    }
    Chunk &chunk = m_chunks.back();
    chunk.data.append(lines);
    chunk.lines += lineCount;
    m_lines += lineCount;
    m_bytes += lines.size();
    updateFull();
    return dropped;
}

qint64 OutputQueue::pushFront(std::string_view lines, qint64 lineCount)
{
    if (lineCount <= 0 || lines.empty())
        return 0;
    Q_ASSERT(lines.back() == '\n');
    // The pushed lines are the oldest, so they are the ones that do not fit.
    const qint64 skip = std::min(lineCount, std::max<qint64>(0, m_lines + lineCount - m_capacity));
    if (skip == lineCount)
        return skip;
    lines.remove_prefix(afterNthNewline(lines, skip));
    lineCount -= skip;
    m_chunks.push_front(Chunk { std::string(lines), 0, lineCount });
    m_lines += lineCount;
    m_bytes += lines.size();
    updateFull();
    return skip;
}

std::string_view OutputQueue::peek(std::size_t maxBytes) const
{
    if (m_chunks.empty())
        return {};
    const Chunk &chunk = m_chunks.front();
    const std::string_view data = std::string_view(chunk.data).substr(chunk.offset);
    if (data.size() <= maxBytes)
        return data;
    auto end = maxBytes > 0 ? data.rfind('\n', maxBytes - 1) : std::string_view::npos;
    if (end == std::string_view::npos)
        end = data.find('\n'); // a single line longer than maxBytes goes out whole
    return data.substr(0, end + 1);
}

qint64 OutputQueue::consume(std::size_t bytes)
{
    qint64 removed = 0;
    while (bytes > 0 && !m_chunks.empty()) {
        Chunk &chunk = m_chunks.front();
        if (bytes >= chunk.size()) {
            bytes -= chunk.size();
            removed += chunk.lines;
            m_lines -= chunk.lines;
            m_bytes -= chunk.size();
            popFrontChunk();
            continue;
        }
        const char *begin = chunk.data.data() + chunk.offset;
        Q_ASSERT(begin[bytes - 1] == '\n');
        const qint64 lines = std::count(begin, begin + bytes, '\n');
        chunk.offset += bytes;
        chunk.lines -= lines;
        m_lines -= lines;
        m_bytes -= bytes;
        removed += lines;
        bytes = 0;
    }
    updateFull();
    return removed;
}

qint64 OutputQueue::setCapacity(qint64 capacityLines)
{
    m_capacity = std::max<qint64>(1, capacityLines);
    const qint64 dropped = dropOldest(m_lines - m_capacity);
    m_full = false; // decided afresh against the new marks
    updateFull();
    return dropped;
}

void OutputQueue::clear()
{
    m_chunks.clear();
    m_lines = 0;
    m_bytes = 0;
    m_full = false;
}

qint64 OutputQueue::dropOldest(qint64 lines)
{
    qint64 dropped = 0;
    while (lines > 0 && !m_chunks.empty()) {
        Chunk &chunk = m_chunks.front();
        if (chunk.lines <= lines) {
            lines -= chunk.lines;
            dropped += chunk.lines;
            m_lines -= chunk.lines;
            m_bytes -= chunk.size();
            popFrontChunk();
            continue;
        }
        const std::size_t cut = afterNthNewline(std::string_view(chunk.data).substr(chunk.offset), lines);
        chunk.offset += cut;
        chunk.lines -= lines;
        m_lines -= lines;
        m_bytes -= cut;
        dropped += lines;
        lines = 0;
    }
    return dropped;
}

void OutputQueue::updateFull()
{
    if (m_lines >= highWater())
        m_full = true;
    else if (m_lines <= lowWater())
        m_full = false;
}

void OutputQueue::popFrontChunk()
{
    std::string &data = m_chunks.front().data;
    if (data.capacity() <= 2 * ChunkBytes && data.capacity() > m_spare.capacity())
        m_spare.swap(data);
    m_chunks.pop_front();
}

} // namespace Garnet
