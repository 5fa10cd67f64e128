// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Eight bytes at a time ("SWAR") scans for the parser and formatter hot paths. Internal to common/.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace Garnet::ByteScan {

inline constexpr std::uint64_t Ones = 0x0101010101010101u;
inline constexpr std::uint64_t HighBits = 0x8080808080808080u;
inline constexpr bool Enabled = std::endian::native == std::endian::little; // lowest byte first

inline std::uint64_t load8(const char *p)
{
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

/** High bit in the bytes of word equal to c. The lowest mark is exact; higher ones may be false (borrows). */
inline std::uint64_t markByte(std::uint64_t word, unsigned char c)
{
    const std::uint64_t x = word ^ (Ones * c);
    return (x - Ones) & ~x & HighBits;
}

/** High bit in the bytes outside 0x21..0x7E (blank, control, DEL, non-ASCII); the lowest mark is exact. */
inline std::uint64_t markNonGraphic(std::uint64_t word)
{
    return (((word - 0x21 * Ones) & ~word) | word | markByte(word, 0x7F)) & HighBits;
}

constexpr bool isGraphic(char c)
{
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F;
}

/**
 * The last bytes before `end` as if the word were loaded at p (fewer than eight remain): loaded from end - 8,
 * which must not be before `readableBegin`, and shifted so that p's byte comes first; zero bytes fill the top.
 */
inline std::uint64_t loadTail(const char *p, const char *end)
{
    return load8(end - 8) >> (8 * (8 - (end - p)));
}

/**
 * The first byte in [p, end) outside 0x21..0x7E, or end. readableBegin: where the memory that may be read
 * starts (at or before p); a field in the middle of a line passes the line's start so that its last bytes are
 * read as one word too.
 */
inline const char *skipGraphic(const char *p, const char *end, const char *readableBegin)
{
    if constexpr (Enabled) {
        while (end - p >= 8) {
            if (const std::uint64_t marks = markNonGraphic(load8(p)))
                return p + std::countr_zero(marks) / 8;
            p += 8;
        }
        if (p != end && end - readableBegin >= 8) {
            // The zero bytes shifted in are non-graphic: with no earlier mark, the result is end.
            const std::uint64_t marks = markNonGraphic(loadTail(p, end));
            return p + std::countr_zero(marks) / 8;
        }
    }
    while (p != end && isGraphic(*p))
        ++p;
    return p;
}

/** The first c (never '\0') in [p, end), or end; readableBegin as for skipGraphic(). */
inline const char *findByte(const char *p, const char *end, char c, const char *readableBegin)
{
    if constexpr (Enabled) {
        while (end - p >= 8) {
            if (const std::uint64_t marks = markByte(load8(p), static_cast<unsigned char>(c)))
                return p + std::countr_zero(marks) / 8;
            p += 8;
        }
        if (p != end && end - readableBegin >= 8) {
            // The zero bytes shifted in cannot match (c is not '\0'), nor be marked falsely below a real match.
            const std::uint64_t marks = markByte(loadTail(p, end), static_cast<unsigned char>(c));
            return marks ? p + std::countr_zero(marks) / 8 : end;
        }
    }
    while (p != end && *p != c)
        ++p;
    return p;
}

/** All eight bytes are ASCII digits. */
inline bool isEightDigits(std::uint64_t word)
{
    return ((word & 0xF0F0F0F0F0F0F0F0u) | (((word + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4))
        == 0x3333333333333333u;
}

/** The value of eight ASCII digits, first byte most significant (three multiplications, no loop). */
inline std::uint32_t eightDigitsValue(std::uint64_t word)
{
    word -= 0x3030303030303030u;
    word = (word * 10) + (word >> 8); // pairs
    constexpr std::uint64_t Mask = 0x000000FF000000FFu;
    constexpr std::uint64_t Multiplier1 = 100 + (1000000ull << 32);
    constexpr std::uint64_t Multiplier2 = 1 + (10000ull << 32);
    return std::uint32_t(((word & Mask) * Multiplier1 + ((word >> 16) & Mask) * Multiplier2) >> 32);
}

} // namespace Garnet::ByteScan
