using System.Globalization;

namespace Explorer.Graph;

/// <summary>
/// A calendar date known to a year (<c>1995</c>), a month (<c>1995-12</c>) or a day (<c>1995-12-20</c>), the
/// precisions the record allows in <c>validFrom</c>, <c>validTo</c> and suspensions. A partial date stands for
/// the whole period it names: it begins on <see cref="First"/> and ends on <see cref="Last"/>, so a fact valid
/// "to 1995" holds through 31 December 1995 and one valid "from 1995-12" from 1 December 1995.
/// </summary>
public readonly record struct PartialDate : IComparable<PartialDate>
{
    private PartialDate(int year, int? month, int? day)
    {
        Year = year;
        Month = month;
        Day = day;
    }

    public int Year { get; }

    public int? Month { get; }

    public int? Day { get; }

    /// <summary>The first day of the period this date names.</summary>
    public DateOnly First => new(Year, Month ?? 1, Day ?? 1);

    /// <summary>The last day of the period this date names.</summary>
    public DateOnly Last => Day is not null
        ? new DateOnly(Year, Month!.Value, Day.Value)
        : Month is { } month
            ? new DateOnly(Year, month, DateTime.DaysInMonth(Year, month))
            : new DateOnly(Year, 12, 31);

    /// <summary>Parses <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c> (four-digit years 1000..9999, real calendar days).</summary>
    public static bool TryParse(string? text, out PartialDate date)
    {
        date = default;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split('-');
        if (parts.Length > 3 || parts[0].Length != 4 || !AllDigits(parts[0]))
        {
            return false;
        }

        var year = int.Parse(parts[0], CultureInfo.InvariantCulture);
        if (year < 1000)
        {
            return false;
        }

        int? month = null;
        int? day = null;
        if (parts.Length >= 2)
        {
            if (parts[1].Length != 2 || !AllDigits(parts[1]))
            {
                return false;
            }

            month = int.Parse(parts[1], CultureInfo.InvariantCulture);
            if (month is < 1 or > 12)
            {
                return false;
            }
        }

        if (parts.Length == 3)
        {
            if (parts[2].Length != 2 || !AllDigits(parts[2]))
            {
                return false;
            }

            day = int.Parse(parts[2], CultureInfo.InvariantCulture);
            if (day < 1 || day > DateTime.DaysInMonth(year, month!.Value))
            {
                return false;
            }
        }

        date = new PartialDate(year, month, day);
        return true;
    }

    public static PartialDate Parse(string text) =>
        TryParse(text, out var date) ? date : throw new FormatException($"'{text}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)");

    /// <summary>Orders by the first day, then coarser before finer (1995 before 1995-01 before 1995-01-01).</summary>
    public int CompareTo(PartialDate other)
    {
        var byFirst = First.CompareTo(other.First);
        return byFirst != 0 ? byFirst : Precision.CompareTo(other.Precision);
    }

    public static bool operator <(PartialDate left, PartialDate right) => left.CompareTo(right) < 0;

    public static bool operator <=(PartialDate left, PartialDate right) => left.CompareTo(right) <= 0;

    public static bool operator >(PartialDate left, PartialDate right) => left.CompareTo(right) > 0;

    public static bool operator >=(PartialDate left, PartialDate right) => left.CompareTo(right) >= 0;

    private int Precision => Day is not null ? 2 : Month is not null ? 1 : 0;

    public override string ToString() => Day is { } d
        ? string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{d:D2}")
        : Month is { } m
            ? string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{m:D2}")
            : Year.ToString("D4", CultureInfo.InvariantCulture);

    private static bool AllDigits(string text) => text.All(char.IsAsciiDigit);
}
