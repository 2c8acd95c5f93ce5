using System;
using TensorDsl.Cpu;
using Xunit;

namespace TensorDsl.Tests.Cpu;

/// <summary>The tile-wise offset walk agrees with the per-key rule for every K/V layout.</summary>
public sealed class KvAddressingTests
{
    public static TheoryData<string> Layouts() => new() { "bhsd", "bshd", "tokens", "paged", "stacked-blocks", "stacked-kv" };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Offsets_of_a_tile_equal_the_per_key_offsets(string layout)
    {
        const int heads = 3, length = 70, headDim = 8, blockSize = 16, numBlocks = 9, maxBlocks = 5, batch = 2;
        var random = new Random(layout.Length);
        var blockTable = new int[batch * maxBlocks];
        for (int x = 0; x < blockTable.Length; x++) blockTable[x] = random.Next(numBlocks);
        KvAddressing address = layout switch
        {
            "bhsd" => KvAddressing.Bhsd(heads, length, headDim),
            "bshd" => KvAddressing.Bshd(heads, length, headDim),
            "tokens" => KvAddressing.Tokens(heads, headDim),
            "paged" => KvAddressing.Paged(blockSize, heads, headDim),
            "stacked-blocks" => KvAddressing.PagedStacked(KvCacheLayout.BlocksFirst, values: true, numBlocks, blockSize, heads, headDim),
            _ => KvAddressing.PagedStacked(KvCacheLayout.KvFirst, values: true, numBlocks, blockSize, heads, headDim),
        };

        var tile = new int[40];
        foreach (int start in new[] { 0, 1, 15, 16, 17, 31, 33 })
        {
            for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
            {
                int count = Math.Min(tile.Length, maxBlocks * blockSize - start);
                int tokenStart = 5 * b;
                address.Offsets(b, h, start, count, tokenStart, blockTable, maxBlocks, tile);
                for (int t = 0; t < count; t++)
                {
                    Assert.Equal(address.Offset(b, h, start + t, tokenStart, blockTable, maxBlocks), tile[t]);
                }
            }
        }
    }
}
