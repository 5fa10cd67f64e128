// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "common/metricline.h"

#include <QtTest>

#include <bit>
#include <cstdlib>
#include <new>
#include <set>
#include <string>

// Counts heap allocations so the test can prove parseMetricLine never allocates.
static thread_local std::size_t allocationCount = 0;

void *operator new(std::size_t size)
{
    ++allocationCount;
    if (void *p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept
{
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept
{
    std::free(p);
}

using Garnet::RejectReason;

Q_DECLARE_METATYPE(Garnet::RejectReason)

namespace {

std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), std::size_t(bytes.size()));
}

QByteArray manyTags(int count)
{
    QByteArray name("m");
    for (int i = 0; i < count; ++i)
        name += ";t" + QByteArray::number(i) + "=v";
    return name;
}

} // namespace

class tst_metricline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rejected_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<RejectReason>("reason");
        const auto row = [](const char *tag, const QByteArray &line, RejectReason reason) {
            QTest::newRow(tag) << line << reason;
        };
        // 1. Length
        row("huge line", "a " + QByteArray(Garnet::MaxLineLength, '1'), RejectReason::TooLong);
        row("huge binary garbage", QByteArray(Garnet::MaxLineLength + 1, '\xff'), RejectReason::TooLong);
        row("huge with cr", QByteArray(Garnet::MaxLineLength - 1, 'a') + " 1\r", RejectReason::TooLong);
        // 2. Encoding
        row("binary garbage", QByteArray("\xff\xfe\x00\x01garbage", 11), RejectReason::BadEncoding);
        row("NUL in name", QByteArray("a\0b 1", 5), RejectReason::BadEncoding);
        row("NUL at end", QByteArray("a 1\0", 4), RejectReason::BadEncoding);
        row("lone continuation", "a\x80 1", RejectReason::BadEncoding);
        row("overlong 2-byte", "a\xc0\xaf 1", RejectReason::BadEncoding);
        row("overlong C1 lead", "a\xc1\xbf 1", RejectReason::BadEncoding);
        row("overlong 3-byte", "a\xe0\x80\xaf 1", RejectReason::BadEncoding);
        row("overlong 4-byte", "a\xf0\x80\x80\xaf 1", RejectReason::BadEncoding);
        row("surrogate", "a\xed\xa0\x80 1", RejectReason::BadEncoding);
        row("beyond U+10FFFF", "a\xf4\x90\x80\x80 1", RejectReason::BadEncoding);
        row("lead F5", "a\xf5\x80\x80\x80 1", RejectReason::BadEncoding);
        row("truncated at end", "a 1 \xe2\x82", RejectReason::BadEncoding);
        row("truncated before blank", "a\xe2\x82 1", RejectReason::BadEncoding);
        row("bad third byte", "a\xe2\x82\x41 1", RejectReason::BadEncoding);
        row("C1 NEL", "a\xc2\x85 1", RejectReason::BadEncoding);
        row("C1 first", "a\xc2\x80 1", RejectReason::BadEncoding);
        row("C1 last", "a\xc2\x9f 1", RejectReason::BadEncoding);
        row("DEL", "a\x7f 1", RejectReason::BadEncoding);
        row("cr inside", "a\r 1", RejectReason::BadEncoding);
        row("two trailing crs", "a 1\r\r", RejectReason::BadEncoding);
        row("newline inside", "a 1\n", RejectReason::BadEncoding);
        row("ANSI escape", "\x1b[31ma 1", RejectReason::BadEncoding);
        row("vertical tab", "a\v1", RejectReason::BadEncoding);
        row("form feed", "a 1\f", RejectReason::BadEncoding);
        row("encoding before fields", "\x01", RejectReason::BadEncoding);
        // 3. Field count
        row("empty", "", RejectReason::Empty);
        row("blanks", " \t  \t", RejectReason::Empty);
        row("only cr", "\r", RejectReason::Empty);
        row("one field", "foo.bar", RejectReason::MissingValue);
        row("one field with blanks", "  foo.bar \t ", RejectReason::MissingValue);
        row("four fields", "a 1 1700000000 x", RejectReason::TooManyFields);
        row("five fields", "a 1 2 3 4", RejectReason::TooManyFields);
        row("space inside name", "my metric 1 1700000000", RejectReason::TooManyFields);
        // 4. Name
        row("name too long", QByteArray(Garnet::MaxNameLength + 1, 'a') + " 1", RejectReason::NameTooLong);
        row("name with tags too long", manyTags(64) + QByteArray(1024, 'x') + " 1", RejectReason::NameTooLong);
        row("double dot", "a..b 1", RejectReason::BadName);
        row("leading dot", ".a 1", RejectReason::BadName);
        row("trailing dot", "a. 1", RejectReason::BadName);
        row("only dot", ". 1", RejectReason::BadName);
        row("glob star", "a.*.b 1", RejectReason::BadName);
        row("glob question", "a? 1", RejectReason::BadName);
        row("glob brackets", "a[12] 1", RejectReason::BadName);
        row("glob braces", "a{b,c} 1", RejectReason::BadName);
        row("comma", "a,b 1", RejectReason::BadName);
        row("slash", "a/b 1", RejectReason::BadName);
        row("backslash", "a\\b 1", RejectReason::BadName);
        row("equals in path", "a=b 1", RejectReason::BadName);
        row("parenthesis", "sum(a) 1", RejectReason::BadName);
        row("double quote", "a\"b 1", RejectReason::BadName);
        row("single quote", "a'b 1", RejectReason::BadName);
        row("empty name with tags", ";a=b 1", RejectReason::BadName);
        row("dot before tags", "a.;b=c 1", RejectReason::BadName);
        // 5. Tags
        row("tag without equals", "a;b 1", RejectReason::BadTag);
        row("trailing semicolon", "a; 1", RejectReason::BadTag);
        row("trailing semicolon after tag", "a;b=c; 1", RejectReason::BadTag);
        row("empty tag segment", "a;;b=c 1", RejectReason::BadTag);
        row("empty tag value", "a;b= 1", RejectReason::BadTag);
        row("empty tag name", "a;=c 1", RejectReason::BadTag);
        row("tag named name", "a;name=x 1", RejectReason::BadTag);
        row("tilde value", "a;b=~x 1", RejectReason::BadTag);
        row("bang in tag name", "a;b!=c 1", RejectReason::BadTag);
        row("caret in tag name", "a;^b=c 1", RejectReason::BadTag);
        // The name checks go eight bytes at a time: a '!' or '^' anywhere in a long name, before any '='.
        row("bang in a long tag name", "a;abcdefghij!k=v 1", RejectReason::BadTag);
        row("caret at byte 8 of a tag name", "a;abcdefgh^=v 1", RejectReason::BadTag);
        row("bang in the second tag's name", "a;k=v;abcdefg!=v 1", RejectReason::BadTag);
        row("bang in the last tag, no equals", "m.n;x=1;y=2;z! 1", RejectReason::BadTag);
        row("65 tags", manyTags(65) + " 1", RejectReason::BadTag);
        // 6. Value
        row("hex", "a 0x10", RejectReason::BadValue);
        row("hex float", "a 0x1p3", RejectReason::BadValue);
        row("trailing letter", "a 42a", RejectReason::BadValue);
        row("underscore", "a 1_000", RejectReason::BadValue);
        row("plus minus", "a +-1", RejectReason::BadValue);
        row("double plus", "a ++1", RejectReason::BadValue);
        row("lone plus", "a +", RejectReason::BadValue);
        row("lone minus", "a -", RejectReason::BadValue);
        row("incomplete exponent", "a 1e", RejectReason::BadValue);
        row("decimal comma", "a 1,5", RejectReason::BadValue);
        row("word", "a high", RejectReason::BadValue);
        row("nan followed by junk", "a nanx", RejectReason::BadValue);
        row("lone dot", "a .", RejectReason::BadValue);
        row("nan", "a nan", RejectReason::NonFiniteValue);
        row("NaN", "a NaN 1700000000", RejectReason::NonFiniteValue);
        row("negative nan", "a -nan", RejectReason::NonFiniteValue);
        row("nan payload", "a nan(123)", RejectReason::NonFiniteValue);
        row("inf", "a inf", RejectReason::NonFiniteValue);
        row("-inf", "a -inf", RejectReason::NonFiniteValue);
        row("+inf", "a +inf", RejectReason::NonFiniteValue);
        row("Infinity", "a Infinity", RejectReason::NonFiniteValue);
        row("1e309", "a 1e309", RejectReason::NonFiniteValue);
        row("-1e309", "a -1e309", RejectReason::NonFiniteValue);
        row("just above max double", "a 1.8e308", RejectReason::NonFiniteValue);
        row("huge integer", "a 1" + QByteArray(400, '0'), RejectReason::NonFiniteValue);
        row("huge exponent", "a 1e99999999999999999999999", RejectReason::NonFiniteValue);
        // 7. Timestamp
        row("fractional timestamp", "a 1 1700000000.5", RejectReason::BadTimestamp);
        row("negative timestamp", "a 1 -2", RejectReason::BadTimestamp);
        row("minus zero timestamp", "a 1 -0", RejectReason::BadTimestamp);
        row("double minus timestamp", "a 1 --1", RejectReason::BadTimestamp);
        row("plus timestamp", "a 1 +1700000000", RejectReason::BadTimestamp);
        row("huge timestamp", "a 1 99999999999999999999", RejectReason::BadTimestamp);
        row("after year 9999", "a 1 253402300800", RejectReason::BadTimestamp);
        row("exponent timestamp", "a 1 1.7e9", RejectReason::BadTimestamp);
        row("hex timestamp", "a 1 0x10", RejectReason::BadTimestamp);
        row("word timestamp", "a 1 now", RejectReason::BadTimestamp);
        row("timestamp with letters", "a 1 1700000000s", RejectReason::BadTimestamp);
        // The first failing check wins.
        row("order: length before encoding", QByteArray(Garnet::MaxLineLength + 1, '\0'), RejectReason::TooLong);
        row("order: encoding before fields", "a\x01 1 2 3 4", RejectReason::BadEncoding);
        row("order: fields before name", "a..b 1 2 3", RejectReason::TooManyFields);
        row("order: name length before name", QByteArray(Garnet::MaxNameLength, 'a') + ".. 1",
            RejectReason::NameTooLong);
        row("order: name before tags", "a..b;c 1", RejectReason::BadName);
        row("order: tags before value", "a;b x", RejectReason::BadTag);
        row("order: value before timestamp", "a x y", RejectReason::BadValue);
    }
    void rejected()
    {
        QFETCH(QByteArray, line);
        QFETCH(RejectReason, reason);
        Garnet::ParsedMetric metric;
        const RejectReason actual = Garnet::parseMetricLine(view(line), metric);
        QCOMPARE(Garnet::rejectReasonName(actual), Garnet::rejectReasonName(reason));
    }

    void accepted_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("tags");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("hasTimestamp");
        QTest::addColumn<qint64>("timestamp");
        const auto row = [](const char *tag, const QByteArray &line, const QByteArray &name, const QByteArray &tags,
                             double value, std::optional<qint64> timestamp) {
            QTest::newRow(tag) << line << name << tags << value << timestamp.has_value() << timestamp.value_or(0);
        };
        const std::optional<qint64> none;
        row("plain", "load.1m 0.52 1700000000", "load.1m", "", 0.52, 1700000000);
        row("no timestamp", "load.1m 0.52", "load.1m", "", 0.52, none);
        row("single node", "x 1", "x", "", 1, none);
        row("tabs", "a.b\t1\t1700000000", "a.b", "", 1, 1700000000);
        row("multiple blanks", "  a.b  \t 2.5 \t\t 1700000000  ", "a.b", "", 2.5, 1700000000);
        row("trailing cr", "a.b 3 1700000000\r", "a.b", "", 3, 1700000000);
        row("trailing cr no timestamp", "a.b 3\r", "a.b", "", 3, none);
        row("plus value", "a +1.5", "a", "", 1.5, none);
        row("exponent", "a 1.5e3", "a", "", 1500, none);
        row("upper exponent", "a 1E-3", "a", "", 0.001, none);
        row("exponent with plus", "a 2e+2", "a", "", 200, none);
        row("negative", "a -42.25 1", "a", "", -42.25, 1);
        row("integer", "a 42", "a", "", 42, none);
        row("zero", "a 0", "a", "", 0.0, none);
        row("negative zero", "a -0", "a", "", -0.0, none);
        row("underflow", "a 1e-400", "a", "", 0.0, none);
        row("negative underflow", "a -1e-400", "a", "", -0.0, none);
        row("fraction underflow", "a 0.0000001e-320", "a", "", 0.0, none);
        row("leading dot value", "a .5", "a", "", 0.5, none);
        row("trailing dot value", "a 5.", "a", "", 5, none);
        row("leading zeros value", "a 007", "a", "", 7, none);
        row("max double", "a 1.7976931348623157e308", "a", "", 1.7976931348623157e308, none);
        row("min denormal", "a 4.9e-324", "a", "", 4.9e-324, none);
        row("UTF-8 name", "température.salle 21.5", "température.salle", "", 21.5, none);
        row("CJK and emoji", "温度.📈 1", "温度.📈", "", 1, none);
        // Fields that end on the 8-byte steps of the blank search, next to multi-byte characters.
        row("name of 8 bytes", "abcdefgh 1", "abcdefgh", "", 1, none);
        row("name of 16 bytes then tab", "abcdefghijklmnop\t2", "abcdefghijklmnop", "", 2, none);
        row("UTF-8 name of 8 bytes", "αβγδ 3", "αβγδ", "", 3, none);
        row("UTF-8 before blanks", "xé;k=é\t 4 5", "xé", "k=é", 4, 5);
        row("punctuation", "a-b_c:d#e@f%g+h 1", "a-b_c:d#e@f%g+h", "", 1, none);
        row("tags", "disk.sda;dev=sda;unit=B 42 1700000000", "disk.sda", "dev=sda;unit=B", 42, 1700000000);
        row("tag value with equals", "a;k=v=w 1", "a", "k=v=w", 1, none);
        row("tag value with slash", "a;path=/var/log 1", "a", "path=/var/log", 1, none);
        row("tag value with tilde inside", "a;k=v~w 1", "a", "k=v~w", 1, none);
        row("bang and caret in tag values", "a;abcdefgh=v!^w;k=!;l=^ 1", "a", "abcdefgh=v!^w;k=!;l=^", 1, none);
        row("UTF-8 tag", "a;ville=Zürich 1", "a", "ville=Zürich", 1, none);
        row("duplicate tags", "a;x=1;x=2 1", "a", "x=1;x=2", 1, none);
        row("64 tags", manyTags(64) + " 1", "m", manyTags(64).mid(2), 1, none);
        row("now timestamp", "a 1 -1", "a", "", 1, none);
        row("zero timestamp", "a 1 0", "a", "", 1, 0);
        row("max timestamp", "a 1 253402300799", "a", "", 1, Garnet::MaxTimestamp);
        row("leading zeros timestamp", "a 1 0001700000000", "a", "", 1, 1700000000);
        row("longest name", QByteArray(Garnet::MaxNameLength, 'n') + " 1", QByteArray(Garnet::MaxNameLength, 'n'), "",
            1, none);
        const QByteArray padded = "a 1" + QByteArray(Garnet::MaxLineLength - 3, ' ');
        row("longest line", padded, "a", "", 1, none);
        row("longest line with cr", padded + '\r', "a", "", 1, none);
    }
    void accepted()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, tags);
        QFETCH(double, value);
        QFETCH(bool, hasTimestamp);
        QFETCH(qint64, timestamp);
        Garnet::ParsedMetric metric;
        metric.timestamp = 12345; // must be reset for lines without one
        const RejectReason reason = Garnet::parseMetricLine(view(line), metric);
        QCOMPARE(Garnet::rejectReasonName(reason), Garnet::rejectReasonName(RejectReason::None));
        QCOMPARE(QByteArray(metric.name.data(), qsizetype(metric.name.size())), name);
        QCOMPARE(QByteArray(metric.tags.data(), qsizetype(metric.tags.size())), tags);
        // Bit-exact: from_chars and the compiler both round correctly; also tells -0 from +0.
        QCOMPARE(std::bit_cast<quint64>(metric.value), std::bit_cast<quint64>(value));
        QCOMPARE(metric.timestamp.has_value(), hasTimestamp);
        if (hasTimestamp)
            QCOMPARE(*metric.timestamp, timestamp);
        // Views point into the caller's buffer.
        QVERIFY(metric.name.data() >= line.constData() && metric.name.data() < line.constData() + line.size());
    }

    void neverAllocates()
    {
        {
            const std::size_t before = allocationCount; // the counter is live
            int *volatile probe = new int(1); // volatile: the pair must not be elided
            delete probe;
            QCOMPARE(allocationCount, before + 1);
        }
        const QByteArray lines[] = { "a.b;x=1;y=2 1.5 1700000000", "a..b 1", "a 1e-400", "a nan", "",
            QByteArray(Garnet::MaxLineLength + 1, 'x'), manyTags(65) + " 1" };
        Garnet::ParsedMetric metric;
        for (const QByteArray &line : lines) {
            const std::size_t before = allocationCount;
            Garnet::parseMetricLine(view(line), metric);
            QCOMPARE(allocationCount, before);
        }
    }

    /**
     * parseMetricLine() tries a fast path first; whatever the line, it must decide exactly as the general parser:
     * same reason, and for valid lines the same views, bit-identical value and timestamp. Lines are realistic ones
     * with random edits from an alphabet of the characters every check looks at.
     */
    void fastPathAgreesWithGeneralParser()
    {
        static const char *const Seeds[] = { "cpu.user 12.5 1700000000", "a 1", "disk.sda;dev=sda;unit=B 42",
            "m -0.000123 1 ", "x\t007\t0001", "v 9007199254740993 5", "v 0.1234567890123456789", "t 1 -1",
            "big 123456789012345678 253402300799", "e 1e5", "n 1.", "tag;a=b;c=d -7.25 12",
            "servers.web01.cpu.total.user;dev=sda;unit=B 1234.5678 1764050000", "a.b.c.d.e.f.g.h.i 1 01234567890",
            "http.requests;code=200;method=GET;route=/api/v3 0.25 1764050000\t" };
        static const std::string_view Alphabet[] = { "0", "1", "9", ".", ";", "=", " ", "\t", "-", "+", "e", "a", "\r",
            "\x01", "\x7f", "\xc3\xa9", "\xc3", "~", "!", "(", "/", "..", "inf", "nan", "00000000000000000001",
            "99999999999999999999", "253402300800", "^", ";z=1", ";a=1", ";host=h" };
        std::uint64_t state = 42;
        auto random = [&state](std::uint64_t bound) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            return (state >> 33) % bound;
        };
        std::size_t fastAccepted = 0;
        for (int i = 0; i < 200000; ++i) {
            std::string line = Seeds[random(std::size(Seeds))];
            for (std::uint64_t edits = random(4); edits > 0; --edits) {
                const std::size_t at = random(line.size() + 1);
                const std::string_view piece = Alphabet[random(std::size(Alphabet))];
                switch (random(3)) {
                case 0:
                    line.insert(at, piece);
                    break;
                case 1:
                    line.replace(at, std::min<std::size_t>(piece.size(), line.size() - at), piece);
                    break;
                default:
                    line.erase(at, 1 + random(3));
                }
            }
            Garnet::ParsedMetric fast, general;
            const RejectReason fastReason = Garnet::parseMetricLine(line, fast);
            const RejectReason generalReason = Garnet::Detail::parseMetricLineGeneral(line, general);
            if (fastReason != generalReason)
                qWarning() << "line:" << QByteArray::fromStdString(line).toPercentEncoding(" ;.=");
            QCOMPARE(Garnet::rejectReasonName(fastReason), Garnet::rejectReasonName(generalReason));
            if (fastReason != RejectReason::None)
                continue;
            ++fastAccepted;
            QCOMPARE(fast.name, general.name);
            QCOMPARE(fast.tags, general.tags);
            QCOMPARE(std::bit_cast<quint64>(fast.value), std::bit_cast<quint64>(general.value));
            QCOMPARE(fast.timestamp, general.timestamp);
            QCOMPARE(fast.tagsSorted, general.tagsSorted);
        }
        QVERIFY(fastAccepted > 10000); // the edits leave plenty of valid lines
    }

    /** ParsedMetric::tagsSorted: strictly increasing names, bytewise, as the formatter's merge needs them. */
    void tagsSorted_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("sorted");
        QTest::newRow("no tags") << QByteArray("a 1") << true;
        QTest::newRow("one tag") << QByteArray("a;z=1 1") << true;
        QTest::newRow("sorted") << QByteArray("a;dev=sda;unit=B 1") << true;
        QTest::newRow("unsorted") << QByteArray("a;unit=B;dev=sda 1") << false;
        QTest::newRow("repeated name") << QByteArray("a;x=1;x=2 1") << false;
        QTest::newRow("same value, names in order") << QByteArray("a;x=1;y=1 1") << true;
        QTest::newRow("prefix first") << QByteArray("a;ho=1;host=2 1") << true;
        QTest::newRow("prefix last") << QByteArray("a;host=1;ho=2 1") << false;
        QTest::newRow("names, not name=value, decide") << QByteArray("a;a=1;a.b=2 1") << true; // "a=" > "a."
        QTest::newRow("names, not name=value, decide: reversed") << QByteArray("a;a.b=1;a=2 1") << false;
        QTest::newRow("upper case first") << QByteArray("a;Z=1;_=2;a=3 1") << true;
        QTest::newRow("bytes above ASCII last") << QByteArray("a;z=1;é=2 1") << true;
        QTest::newRow("bytes above ASCII first") << QByteArray("a;é=1;z=2 1") << false;
        QTest::newRow("unsorted only at the end") << QByteArray("a;b=1;c=2;d=3;e=4;f=5;a=6 1") << false;
        QTest::newRow("64 tags, t9 before t10") << manyTags(64) + " 1" << false;
        QByteArray padded("m");
        for (int i = 0; i < 64; ++i)
            padded += ";t" + QByteArray::number(i).rightJustified(2, '0') + "=v";
        QTest::newRow("64 tags, t09 before t10") << padded + " 1" << true;
        QTest::newRow("general parser (UTF-8 name)") << QByteArray("é;b=1;a=2 1") << false;
        QTest::newRow("general parser, sorted") << QByteArray("é;a=1;b=2 1") << true;
    }
    void tagsSorted()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, sorted);
        Garnet::ParsedMetric metric, general;
        metric.tagsSorted = !sorted; // must be set either way
        general.tagsSorted = !sorted;
        QCOMPARE(int(Garnet::parseMetricLine(view(line), metric)), int(RejectReason::None));
        QCOMPARE(metric.tagsSorted, sorted);
        QCOMPARE(int(Garnet::Detail::parseMetricLineGeneral(view(line), general)), int(RejectReason::None));
        QCOMPARE(general.tagsSorted, sorted);
    }

    /**
     * Tags of every length around the 16-byte blocks and the 64-byte limit of the fast path's tag masks, valid and
     * broken in their last bytes, behind short and long names: the fast path decides as the general parser does.
     */
    void tagsAtEveryLength()
    {
        // length bytes of valid tags: max(1, length / 8) of them, "a=x;b=x;..." (or in reverse), the last value
        // padded with 'x' to the length.
        const auto validTags = [](std::size_t length, bool sorted) {
            const std::size_t count = std::max<std::size_t>(1, length / 8);
            std::string tags;
            for (std::size_t i = 0; i < count; ++i)
                tags += std::string(i ? ";" : "") + char(sorted ? 'a' + i : 'a' + count - 1 - i) + "=x";
            return tags + std::string(length - tags.size(), 'x');
        };
        std::size_t checked = 0;
        for (const std::string name : { "m", "abcdefghijklmnopq" })
            for (std::size_t length = 3; length <= 80; ++length)
                for (const bool sorted : { true, false })
                    for (const std::string ending : { "", "!=v", "k=", "k=~v", "name=v", "^", "k" }) {
                        if (!ending.empty() && length < ending.size() + 4)
                            continue;
                        const std::string tags = ending.empty()
                            ? validTags(length, sorted)
                            : validTags(length - ending.size() - 1, sorted) + ";" + ending;
                        QCOMPARE(tags.size(), length);
                        const std::string line = name + ";" + tags + " 1 1700000000";
                        Garnet::ParsedMetric fast, general;
                        const RejectReason fastReason = Garnet::parseMetricLine(line, fast);
                        const RejectReason generalReason = Garnet::Detail::parseMetricLineGeneral(line, general);
                        QVERIFY2(fastReason == generalReason, line.c_str());
                        QCOMPARE(fastReason == RejectReason::None, ending.empty());
                        if (fastReason == RejectReason::None) {
                            QCOMPARE(fast.tags, general.tags);
                            QCOMPARE(fast.tagsSorted, general.tagsSorted);
                            QCOMPARE(fast.tagsSorted, sorted || length < 16);
                        }
                        ++checked;
                    }
        QVERIFY(checked > 1500);
    }

    /**
     * The fast path scans fields 16 bytes at a time (the last block ends at the line's end): a name, value and
     * timestamp of every length up to 40, with a byte it does not handle (or a blank) at every place, decide as
     * the general parser does.
     */
    void fieldsAtEveryLength()
    {
        std::size_t checked = 0;
        for (std::size_t length = 1; length <= 40; ++length)
            for (std::size_t at = 0; at <= length; ++at)
                for (const std::string_view odd : { "", "\x01", "\x7f", "\xc3\xa9", "\x80", " ", "\t", "(" })
                    for (int field = 0; field < 3; ++field) {
                        std::string text
                            = field == 0 ? std::string(length, 'n') : std::string(length, field == 1 ? '1' : '2');
                        if (at < length)
                            text.replace(at, 1, odd);
                        const std::string line = field == 0 ? text + " 1 1700000000"
                            : field == 1                    ? "m " + text + " 1700000000"
                                                            : "metric.name 1 " + text;
                        Garnet::ParsedMetric fast, general;
                        const RejectReason fastReason = Garnet::parseMetricLine(line, fast);
                        const RejectReason generalReason = Garnet::Detail::parseMetricLineGeneral(line, general);
                        QVERIFY2(fastReason == generalReason, line.c_str());
                        if (fastReason == RejectReason::None) {
                            QCOMPARE(fast.name, general.name);
                            QCOMPARE(std::bit_cast<quint64>(fast.value), std::bit_cast<quint64>(general.value));
                            QCOMPARE(fast.timestamp, general.timestamp);
                        }
                        // A clean line is the fast path's (only it finds canonical values), not the fallback's.
                        if (odd.empty() && at == length && fastReason == RejectReason::None
                            && (field != 1 || length <= 15))
                            QVERIFY2(!fast.canonicalValue.empty(), line.c_str());
                        ++checked;
                    }
        QVERIFY(checked > 20000);
    }

    void reasonNames()
    {
        std::set<std::string_view> seen;
        for (int r = 0; r < int(RejectReason::Count); ++r) {
            const std::string_view name = Garnet::rejectReasonName(RejectReason(r));
            QVERIFY(!name.empty());
            for (const char c : name)
                QVERIFY2((c >= 'a' && c <= 'z') || c == '_', name.data());
            QVERIFY2(seen.insert(name).second, name.data());
        }
        QCOMPARE(Garnet::rejectReasonName(RejectReason::BadValue), std::string_view("bad_value"));
        QCOMPARE(Garnet::rejectReasonName(RejectReason::TooLong), std::string_view("too_long"));
        QCOMPARE(Garnet::rejectReasonName(RejectReason::NonFiniteValue), std::string_view("non_finite_value"));
    }

    void metricPath_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<bool>("valid");
        QTest::newRow("one node") << QByteArray("loadavg") << true;
        QTest::newRow("nodes") << QByteArray("servers.web01.loadavg") << true;
        QTest::newRow("UTF-8") << QByteArray("salle.température") << true;
        QTest::newRow("dash underscore") << QByteArray("a-b.c_d") << true;
        QTest::newRow("empty") << QByteArray("") << false;
        QTest::newRow("double dot") << QByteArray("a..b") << false;
        QTest::newRow("leading dot") << QByteArray(".a") << false;
        QTest::newRow("trailing dot") << QByteArray("a.") << false;
        QTest::newRow("space") << QByteArray("a b") << false;
        QTest::newRow("tab") << QByteArray("a\tb") << false;
        QTest::newRow("tags") << QByteArray("a;b=c") << false;
        QTest::newRow("glob") << QByteArray("a*") << false;
        QTest::newRow("slash") << QByteArray("a/b") << false;
        QTest::newRow("braces") << QByteArray("servers.{host}") << false;
        QTest::newRow("control") << QByteArray("a\x01") << false;
        QTest::newRow("invalid UTF-8") << QByteArray("a\xff") << false;
    }
    void metricPath()
    {
        QFETCH(QByteArray, path);
        QFETCH(bool, valid);
        QCOMPARE(Garnet::isValidMetricPath(view(path)), valid);
    }
};

QTEST_GUILESS_MAIN(tst_metricline)
#include "tst_metricline.moc"
