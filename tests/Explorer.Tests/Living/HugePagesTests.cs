using System.Globalization;
using System.Runtime.InteropServices;
using Explorer.Embedded;

namespace Explorer.Tests.Living;

/// <summary>
/// The index snapshot's and the index build's large arrays are advised transparent huge pages before they are
/// written (<see cref="HugePages"/>): on Linux with THP the memory in the middle of such an array is in a mapping the
/// kernel flags <c>hg</c>; a small array is left alone.
/// </summary>
public sealed class HugePagesTests
{
    private const string Enabled = "/sys/kernel/mm/transparent_hugepage/enabled";

    [Fact]
    public void ALargeArrayIsAdvisedHugePagesAndASmallOneIsNot()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Enabled) || File.ReadAllText(Enabled).Contains("[never]", StringComparison.Ordinal))
        {
            Assert.Skip("this machine has no transparent huge pages");
        }

        var array = GC.AllocateUninitializedArray<int>(4 << 20);
        var small = new int[1000];

        Assert.True(HugePages.Advise(array));
        Assert.False(HugePages.Advise(small));

        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            var middle = (ulong)handle.AddrOfPinnedObject() + (8UL << 20);
            Assert.Contains("hg", FlagsOfMappingHolding(middle));
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void TheFirstAndLastElementsOfALargeArrayAreInAdvisedMemoryToo()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Enabled) || File.ReadAllText(Enabled).Contains("[never]", StringComparison.Ordinal))
        {
            Assert.Skip("this machine has no transparent huge pages");
        }

        // An array seldom starts or ends on a 2 MiB boundary: the 2 MiB pages it only partly covers are advised too,
        // or up to 4 MiB of it would fault in 4 KiB at a time.
        var array = GC.AllocateUninitializedArray<int>((5 << 20) + 12_345);
        Assert.True(HugePages.Advise(array));

        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            var first = (ulong)handle.AddrOfPinnedObject();
            var last = first + ((ulong)array.Length * sizeof(int)) - 1;
            Assert.Contains("hg", FlagsOfMappingHolding(first));
            Assert.Contains("hg", FlagsOfMappingHolding(last));
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void AnAllocatedArrayIsAdvisedHugePagesAndZeroedWhenAskedEvenWhereGarbageWasFreed()
    {
        // Freed large-object memory full of garbage first: an array asked to be zeroed must still read as zeros.
        for (var i = 0; i < 32; i++)
        {
            var junk = GC.AllocateUninitializedArray<int>(4 << 20);
            junk.AsSpan().Fill(-1);
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        var zeroed = HugePages.Allocate<int>(4 << 20, uninitialized: false);
        Assert.True(zeroed.AsSpan().IndexOfAnyExcept(0) < 0);

        var grown = HugePages.Allocate<long>(3);
        grown.AsSpan().Fill(7);
        HugePages.Resize(ref grown, 5);
        Assert.Equal(5, grown.Length);
        Assert.Equal([7L, 7L, 7L], grown[..3]);
        HugePages.Resize(ref grown, 2);
        Assert.Equal([7L, 7L], grown);

        if (!OperatingSystem.IsLinux() || !File.Exists(Enabled) || File.ReadAllText(Enabled).Contains("[never]", StringComparison.Ordinal))
        {
            return;
        }

        var handle = GCHandle.Alloc(zeroed, GCHandleType.Pinned);
        try
        {
            Assert.Contains("hg", FlagsOfMappingHolding((ulong)handle.AddrOfPinnedObject() + (8UL << 20)));
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>The <c>VmFlags</c> of the mapping in /proc/self/smaps that holds <paramref name="address"/>.</summary>
    private static string[] FlagsOfMappingHolding(ulong address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
            {
                inside = start <= address && address < end;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        throw new InvalidOperationException($"no mapping holds 0x{address:x}");
    }
}
