namespace Explorer.Search;

/// <summary>The name index's normalization: <see cref="TextNormalizer.Normalize"/> with a fast path for ASCII.</summary>
internal static class FastNormalizer
{
    /// <summary>
    /// <see cref="TextNormalizer.Normalize"/>, with a fast path for pure ASCII text (which Unicode
    /// decomposition leaves unchanged and which has no combining marks), giving the same result.
    /// </summary>
    public static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!System.Text.Ascii.IsValid(text))
        {
            return TextNormalizer.Normalize(text);
        }

        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var result = buffer[..NormalizeAscii(text, buffer)];
        return result.SequenceEqual(text) ? text : new string(result);
    }

    /// <summary>
    /// Appends <see cref="Normalize"/> of <paramref name="text"/> to <paramref name="buffer"/> at
    /// <paramref name="length"/> (growing it when needed) and returns the new length: no string for ASCII text.
    /// </summary>
    public static int NormalizeInto(string text, ref char[] buffer, int length)
    {
        if (string.IsNullOrEmpty(text))
        {
            return length;
        }

        // ASCII text normalizes to at most its own length; other text is normalized as a string first.
        var ascii = System.Text.Ascii.IsValid(text);
        var other = ascii ? null : TextNormalizer.Normalize(text);
        var needed = (long)length + (other?.Length ?? text.Length);
        if (needed > buffer.Length)
        {
            Array.Resize(ref buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * buffer.Length)));
        }

        if (other is not null)
        {
            other.CopyTo(buffer.AsSpan(length));
            return length + other.Length;
        }

        return length + NormalizeAscii(text, buffer.AsSpan(length));
    }

    /// <summary>The ASCII fast path: writes the normalized text to <paramref name="destination"/> (at least as long as the text) and returns its length.</summary>
    private static int NormalizeAscii(ReadOnlySpan<char> text, Span<char> destination)
    {
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (!Kept(c, out var kept))
            {
                pendingSpace |= c is not ('.' or '\'');
                continue;
            }

            if (pendingSpace && length > 0)
            {
                destination[length++] = ' ';
            }

            pendingSpace = false;
            destination[length++] = kept;
        }

        return length;
    }

    /// <summary>
    /// Whether <see cref="Normalize"/> of <paramref name="text"/> equals <paramref name="normalized"/>, without
    /// building the normalized string for ASCII text (the exact tier asks this of every node with a key).
    /// </summary>
    public static bool NormalizesTo(string text, string normalized)
    {
        if (string.IsNullOrEmpty(text) || !System.Text.Ascii.IsValid(text))
        {
            return string.Equals(Normalize(text), normalized, StringComparison.Ordinal);
        }

        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (!Kept(c, out var kept))
            {
                pendingSpace |= c is not ('.' or '\'');
                continue;
            }

            if (pendingSpace && length > 0)
            {
                if (length >= normalized.Length || normalized[length++] != ' ')
                {
                    return false;
                }
            }

            pendingSpace = false;
            if (length >= normalized.Length || normalized[length++] != kept)
            {
                return false;
            }
        }

        return length == normalized.Length;
    }

    /// <summary>An ASCII letter or digit, lower-cased; any other character is not kept.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Kept(char c, out char kept)
    {
        kept = c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
        return c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or (>= 'A' and <= 'Z');
    }
}
