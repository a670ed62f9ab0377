using System.Runtime.InteropServices;

namespace Explorer.Embedded;

/// <summary>
/// Asks Linux to back a large, not yet touched array with transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>
/// over the whole 2 MiB pages inside it), so filling it takes one page fault per 2 MiB instead of one per 4 KiB.
/// On a virtual machine a page fault costs microseconds: reading the 1M index snapshot into fresh arrays took
/// ~120,000 of them. Advice only: where it is unsupported (another OS, THP off, an old kernel) nothing changes.
/// </summary>
internal static class HugePages
{
    /// <summary>The PMD page size on x86-64 and arm64 with 4 KiB pages.</summary>
    public const long Size = 2L << 20;

    private const int MadvHugepage = 14;
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>
    /// Advises huge pages for every 2 MiB page that <paramref name="array"/>'s elements touch, the first and last ones
    /// too though they hold other memory of the heap as well (a no-op for arrays smaller than two such pages). Call it
    /// before the array is written. Returns whether the advice was taken.
    /// </summary>
    /// <remarks>
    /// An array rarely starts or ends on a 2 MiB boundary: advising only the pages wholly inside it left up to 4 MiB
    /// an array to fault in 4 KiB at a time (~40 such arrays in a 1M name index build). A page at the edge
    /// that is already partly in use stays in 4 KiB pages (the kernel only backs an untouched 2 MiB page with a huge
    /// one); where the advice over the edges is refused (the heap's mapping ends inside such a page), the pages
    /// wholly inside are advised as before.
    /// </remarks>
    public static bool Advise<T>(T[] array)
        where T : unmanaged
    {
        var bytes = (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (s_unavailable || bytes < 2 * Size)
        {
            return false;
        }

        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            var start = (long)handle.AddrOfPinnedObject();
            var outerFirst = start & ~(Size - 1);
            var outerEnd = (start + bytes + Size - 1) & ~(Size - 1);
            if (madvise((nint)outerFirst, (nuint)(outerEnd - outerFirst), MadvHugepage) == 0)
            {
                return true;
            }

            // EINVAL: a kernel without THP (or built without it); nothing else will work either.
            if (Marshal.GetLastPInvokeError() == 22)
            {
                s_unavailable = true;
                return false;
            }

            var first = (start + Size - 1) & ~(Size - 1);
            var end = (start + bytes) & ~(Size - 1);
            return end > first && madvise((nint)first, (nuint)(end - first), MadvHugepage) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>
    /// A new array of <paramref name="length"/> advised huge pages (<see cref="Advise{T}(T[])"/>) before anything is written
    /// to it, for the large temporary and built arrays of an index build: a million-node name index build writes ~900 MiB
    /// of fresh memory, ~230,000 page faults of 4 KiB (~8 us each on this project's virtual machines, ~2 s of CPU), and
    /// its sorts and hash table read it at random (fewer TLB misses with 2 MiB pages). Not zeroed when
    /// <paramref name="uninitialized"/> (the caller writes every element before reading it).
    /// </summary>
    public static T[] Allocate<T>(int length, bool uninitialized = true)
        where T : unmanaged
    {
        var array = uninitialized ? GC.AllocateUninitializedArray<T>(length) : new T[length];
        Advise(array);
        return array;
    }

    /// <summary>A copy of <paramref name="source"/> in an array from <see cref="Allocate{T}(int, bool)"/> (a span cut to size, say).</summary>
    public static T[] Copy<T>(ReadOnlySpan<T> source)
        where T : unmanaged
    {
        var copy = Allocate<T>(source.Length);
        source.CopyTo(copy);
        return copy;
    }

    /// <summary><see cref="Array.Resize{T}(ref T[], int)"/> into an array from <see cref="Allocate{T}(int, bool)"/>: the elements past the old ones are not zeroed.</summary>
    public static void Resize<T>(ref T[] array, int length)
        where T : unmanaged
    {
        var resized = Allocate<T>(length);
        array.AsSpan(0, Math.Min(array.Length, length)).CopyTo(resized);
        array = resized;
    }

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
