// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <deque>
#include <string>
#include <string_view>

namespace Garnet {

/**
 * A bounded FIFO of formatted metric lines, kept as a few large byte chunks (no per-line allocation).
 * Capacity is counted in lines; when full, the oldest lines are dropped and counted.
 * Every block pushed is whole '\n'-terminated lines, and a block is never split across chunks, so a
 * chunk always starts and ends on a line boundary.
 *
 * isFull() is the backpressure signal, with headroom and hysteresis: it turns on at the high-water mark (a
 * quarter of the capacity below it) and off again only at the low-water mark (half the capacity). Writers
 * paused at high water cannot make the queue drop: the blocks already on their way (one socket read, one
 * formatted block) fit in the headroom. Without hysteresis every line written out would let one more read
 * in, which would then overflow the queue by the rest of its block.
 * Pure data structure: no I/O, no Qt event loop.
 */
class OutputQueue
{
public:
    /** A chunk is closed for appending once it holds this many bytes. */
    static constexpr std::size_t ChunkBytes = 256 * 1024;

    explicit OutputQueue(qint64 capacityLines);

    /**
     * Append lineCount '\n'-terminated lines; returns how many lines were dropped to make room: the oldest
     * queued lines first and, when the block alone exceeds the capacity, its own first lines.
     */
    qint64 push(std::string_view lines, qint64 lineCount);
    /** Put lines back at the front (replay after a disconnect); drops from the front if over capacity. */
    qint64 pushFront(std::string_view lines, qint64 lineCount);

    /** The next contiguous bytes to write (whole lines only), at most maxBytes unless one line is longer. */
    std::string_view peek(std::size_t maxBytes) const;
    /** Remove the first `bytes` bytes (must end on a line boundary, as returned by peek); returns lines removed. */
    qint64 consume(std::size_t bytes);

    qint64 size() const { return m_lines; } ///< lines queued
    std::size_t bytes() const { return m_bytes; }
    qint64 capacity() const { return m_capacity; }
    /** Capacities below 1 become 1. Shrinking drops the oldest lines at once; returns how many. */
    qint64 setCapacity(qint64 capacityLines);
    /** Backpressure state: see the class comment. A queue at capacity is always full. */
    bool isFull() const { return m_full; }
    bool isAtCapacity() const { return m_lines >= m_capacity; }
    qint64 highWater() const { return m_capacity - m_capacity / 4; }
    qint64 lowWater() const { return m_capacity / 2; }
    bool isEmpty() const { return m_lines == 0; }
    void clear();

private:
    struct Chunk
    {
        std::string data;
        std::size_t offset = 0; ///< bytes of data already consumed/dropped
        qint64 lines = 0; ///< lines still in data[offset..]
        std::size_t size() const { return data.size() - offset; }
    };
    qint64 dropOldest(qint64 lines);
    void popFrontChunk();
    void updateFull();

    std::deque<Chunk> m_chunks;
    std::string m_spare; ///< storage of the last emptied chunk, reused to avoid reallocating
    qint64 m_capacity;
    qint64 m_lines = 0;
    std::size_t m_bytes = 0;
    bool m_full = false;
};

} // namespace Garnet
