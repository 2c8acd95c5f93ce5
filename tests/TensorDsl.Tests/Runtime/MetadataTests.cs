using System;

namespace TensorDsl.Tests.Runtime;

/// <summary>
/// <see cref="VarlenBatch"/> and <see cref="PagedBatch"/>: vLLM v1 metadata (docs/semantics.md#metadata) is accepted when valid and
/// rejected, with the array and the index named, when not.
/// </summary>
public sealed class MetadataTests
{
    // A mixed batch, one sequence of each kind:
    //   0: decode           Lq = 1, Lk = 17
    //   1: prefill          Lq = 5, Lk = 5
    //   2: chunked prefill  Lq = 3, Lk = 10 (7 tokens already cached)
    //   3: nothing new      Lq = 0, Lk = 4
    private static readonly int[] MixedStarts = { 0, 1, 6, 9, 9 };
    private static readonly int[] MixedLens = { 17, 5, 10, 4 };

    // BlockSize 4 -> blocks used per sequence: 5, 2, 3, 1. Rows of 6 entries, the unused tail padded with -1.
    private const int MixedBlockSize = 4;
    private const int MixedMaxBlocks = 6;
    private static readonly int[] MixedTable =
    {
        9, 3, 14, 0, 7, -1,
        2, 11, -1, -1, -1, -1,
        5, 1, 12, -1, -1, -1,
        4, -1, -1, -1, -1, -1,
    };
    private const int MixedNumBlocks = 15;

    // The new tokens' slots: sequence 0's one new key is key 16 (block 4 = id 7, offset 0) -> 28; sequence 1's keys
    // 0..4 -> blocks 2, 2, 2, 2, 11; sequence 2's keys 7..9 -> block 1 (key 7 -> id 1, offset 3), then id 12.
    private static readonly int[] MixedSlots = { 28, 8, 9, 10, 11, 44, 1 * 4 + 3, 48, 49 };

    private static ShapeException Shape(Action action) => Assert.Throws<ShapeException>(action);

    private static void AssertNames(ShapeException e, string parameter, string dimension, long actual)
    {
        Assert.Equal(parameter, e.Parameter);
        Assert.Equal(dimension, e.Dimension);
        Assert.Equal(actual, e.Actual);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"'{parameter}'", e.Message);
        Assert.Contains(dimension, e.Message);
    }

    // ---- VarlenBatch: valid -------------------------------------------------------------------------------------

    [Fact]
    public void Varlen_mixed_batch_properties()
    {
        var batch = VarlenBatch.Create(MixedStarts, MixedLens);
        Assert.Equal(4, batch.NumSequences);
        Assert.Equal(9, batch.NumTokens);
        Assert.Equal(5, batch.MaxQueryLen);
        Assert.Equal(17, batch.MaxSeqLen);
        Assert.Equal(new[] { 1, 5, 3, 0 }, new[] { batch.QueryLength(0), batch.QueryLength(1), batch.QueryLength(2), batch.QueryLength(3) });
        Assert.Equal(new[] { 0, 1, 6, 9 }, new[] { batch.QueryStart(0), batch.QueryStart(1), batch.QueryStart(2), batch.QueryStart(3) });
        Assert.Equal(new[] { 17, 5, 10, 4 }, new[] { batch.KvLength(0), batch.KvLength(1), batch.KvLength(2), batch.KvLength(3) });
        Assert.True(batch.QueryStartLoc.Span.SequenceEqual(MixedStarts));
        Assert.True(batch.SeqLens.Span.SequenceEqual(MixedLens));
    }

    [Fact]
    public void Varlen_holds_the_arrays_without_copying()
    {
        var starts = new[] { 0, 2 };
        var lens = new[] { 3 };
        var batch = VarlenBatch.Create(starts, lens);
        lens[0] = 9; // documented: the memory is held, not copied (and a change voids the validation)
        Assert.Equal(9, batch.KvLength(0));
    }

    [Fact]
    public void Varlen_empty_batch_is_valid()
    {
        var batch = VarlenBatch.Create(new[] { 0 }, Array.Empty<int>());
        Assert.Equal(0, batch.NumSequences);
        Assert.Equal(0, batch.NumTokens);
        Assert.Equal(0, batch.MaxQueryLen);
        Assert.Equal(0, batch.MaxSeqLen);
    }

    [Fact]
    public void Varlen_all_decode_and_all_empty_sequences_are_valid()
    {
        var decode = VarlenBatch.Create(new[] { 0, 1, 2, 3 }, new[] { 1, 100, 7 });
        Assert.Equal(3, decode.NumTokens);
        Assert.Equal(1, decode.MaxQueryLen);
        Assert.Equal(100, decode.MaxSeqLen);

        var empty = VarlenBatch.Create(new[] { 0, 0, 0 }, new[] { 0, 0 }); // Lq = Lk = 0
        Assert.Equal(0, empty.NumTokens);
        Assert.Equal(0, empty.MaxSeqLen);
        Assert.Equal(0, empty.QueryLength(1));
    }

    [Fact]
    public void Varlen_seq_len_equal_to_the_query_length_is_valid()
    {
        var batch = VarlenBatch.Create(new[] { 0, 4 }, new[] { 4 });
        Assert.Equal(4, batch.KvLength(0));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(int.MinValue)]
    public void Varlen_sequence_index_out_of_range(int sequence)
    {
        var batch = VarlenBatch.Create(MixedStarts, MixedLens);
        Assert.Equal("sequence", Assert.Throws<ArgumentOutOfRangeException>(() => batch.QueryLength(sequence)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.QueryStart(sequence));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.KvLength(sequence));
    }

    // ---- VarlenBatch: invalid ---------------------------------------------------------------------------------

    [Fact]
    public void Varlen_empty_query_start_loc()
    {
        var e = Shape(() => VarlenBatch.Create(Array.Empty<int>(), Array.Empty<int>()));
        AssertNames(e, "queryStartLoc", "length", 0);
    }

    [Fact]
    public void Varlen_query_start_loc_not_starting_at_zero()
    {
        var e = Shape(() => VarlenBatch.Create(new[] { 1, 2, 3 }, new[] { 5, 5 }));
        AssertNames(e, "queryStartLoc", "[0]", 1);
        Assert.Equal("0", e.Expected);
    }

    [Fact]
    public void Varlen_query_start_loc_negative_start()
    {
        var e = Shape(() => VarlenBatch.Create(new[] { -2, 0 }, new[] { 5 }));
        AssertNames(e, "queryStartLoc", "[0]", -2);
    }

    [Fact]
    public void Varlen_query_start_loc_decreasing()
    {
        var e = Shape(() => VarlenBatch.Create(new[] { 0, 3, 2, 4 }, new[] { 5, 5, 5 }));
        AssertNames(e, "queryStartLoc", "[2]", 2);
        Assert.Contains("3", e.Expected); // at least queryStartLoc[1]
    }

    [Fact]
    public void Varlen_query_start_loc_one_too_long()
    {
        // B + 1 = 4 entries say three sequences, but seq_lens has two.
        var e = Shape(() => VarlenBatch.Create(new[] { 0, 1, 2, 3 }, new[] { 5, 5 }));
        AssertNames(e, "seqLens", "length", 2);
        Assert.Contains("3", e.Expected);
    }

    [Fact]
    public void Varlen_query_start_loc_one_too_short()
    {
        var e = Shape(() => VarlenBatch.Create(new[] { 0, 1 }, new[] { 5, 5 }));
        AssertNames(e, "seqLens", "length", 2);
        Assert.Contains("1", e.Expected);
    }

    [Fact]
    public void Varlen_seq_len_shorter_than_the_query()
    {
        // Sequence 1 has 4 new tokens but only 3 keys in total.
        var e = Shape(() => VarlenBatch.Create(new[] { 0, 1, 5 }, new[] { 10, 3 }));
        AssertNames(e, "seqLens", "[1]", 3);
        Assert.Contains("4", e.Expected);
    }

    [Fact]
    public void Varlen_negative_seq_len()
    {
        var e = Shape(() => VarlenBatch.Create(new[] { 0, 0, 0 }, new[] { 2, -1 }));
        AssertNames(e, "seqLens", "[1]", -1);
    }

    [Fact]
    public void ShapeException_from_metadata_is_an_ArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => VarlenBatch.Create(new[] { 1 }, Array.Empty<int>()));
    }

    // ---- PagedBatch: valid ------------------------------------------------------------------------------------

    private static PagedBatch MixedPaged() =>
        PagedBatch.Create(MixedStarts, MixedLens, MixedTable, MixedMaxBlocks, MixedSlots);

    [Fact]
    public void Paged_mixed_batch_properties_and_validation()
    {
        var batch = MixedPaged();
        batch.Validate(MixedNumBlocks, MixedBlockSize); // does not throw
        Assert.Equal(4, batch.NumSequences);
        Assert.Equal(9, batch.NumTokens);
        Assert.Equal(5, batch.MaxQueryLen);
        Assert.Equal(17, batch.MaxSeqLen);
        Assert.Equal(3, batch.QueryLength(2));
        Assert.Equal(10, batch.KvLength(2));
        Assert.Equal(MixedMaxBlocks, batch.MaxBlocksPerSequence);
        Assert.Equal(9, batch.SlotMapping.Length);
        Assert.IsAssignableFrom<VarlenBatch>(batch);

        Assert.Equal(9, batch.BlockId(0, 0));
        Assert.Equal(7, batch.BlockId(0, 4));
        Assert.Equal(11, batch.BlockId(1, 1));
        Assert.Equal(12, batch.BlockId(2, 2));
        Assert.Equal(4, batch.BlockId(3, 0));
        Assert.Equal(-1, batch.BlockId(3, 5)); // padding is readable, just never used
    }

    [Fact]
    public void Paged_slot_mapping_is_consistent_with_the_block_table()
    {
        // Not a check the type makes, but the example must be what vLLM would send: slot = block · BlockSize + offset.
        var batch = MixedPaged();
        for (int b = 0; b < batch.NumSequences; b++)
        {
            for (int i = 0; i < batch.QueryLength(b); i++)
            {
                int key = batch.KvLength(b) - batch.QueryLength(b) + i;
                int slot = batch.BlockId(b, key / MixedBlockSize) * MixedBlockSize + key % MixedBlockSize;
                Assert.Equal(slot, batch.SlotMapping.Span[batch.QueryStart(b) + i]);
            }
        }
    }

    [Fact]
    public void Paged_without_slot_mapping_is_valid()
    {
        var batch = PagedBatch.Create(MixedStarts, MixedLens, MixedTable, MixedMaxBlocks);
        Assert.True(batch.SlotMapping.IsEmpty);
        batch.Validate(MixedNumBlocks, MixedBlockSize);
    }

    [Fact]
    public void Paged_sequence_exactly_filling_its_row_is_valid()
    {
        // 2 blocks of 4 hold exactly 8 keys.
        var batch = PagedBatch.Create(new[] { 0, 1 }, new[] { 8 }, new[] { 0, 1 }, 2);
        batch.Validate(numBlocks: 2, blockSize: 4);
    }

    [Fact]
    public void Paged_padding_after_the_used_blocks_is_not_validated()
    {
        // Sequence 0 uses one block (3 keys, BlockSize 4); its second entry is garbage.
        var batch = PagedBatch.Create(new[] { 0, 1 }, new[] { 3 }, new[] { 0, 123456 }, 2);
        batch.Validate(numBlocks: 1, blockSize: 4);
    }

    [Fact]
    public void Paged_empty_batch_and_empty_cache_are_valid()
    {
        var batch = PagedBatch.Create(new[] { 0 }, Array.Empty<int>(), Array.Empty<int>(), 4);
        batch.Validate(numBlocks: 0, blockSize: 16);
        Assert.Equal(0, batch.NumSequences);

        var noKeys = PagedBatch.Create(new[] { 0, 0 }, new[] { 0 }, new[] { -1 }, 1);
        noKeys.Validate(numBlocks: 0, blockSize: 16); // a sequence with no keys reads no block
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(4, 0)]
    [InlineData(0, -1)]
    [InlineData(0, 6)]
    public void Paged_BlockId_out_of_range(int sequence, int block)
    {
        var batch = MixedPaged();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => batch.BlockId(sequence, block));
        Assert.Equal(sequence is < 0 or >= 4 ? "sequence" : "block", e.ParamName);
    }

    // ---- PagedBatch.Create: invalid -----------------------------------------------------------------------------

    [Fact]
    public void Paged_create_checks_the_varlen_metadata_too()
    {
        var e = Shape(() => PagedBatch.Create(new[] { 0, 2 }, new[] { 1 }, new[] { 0 }, 1));
        AssertNames(e, "seqLens", "[0]", 1);
        e = Shape(() => PagedBatch.Create(new[] { 3, 4 }, new[] { 5 }, new[] { 0 }, 1));
        AssertNames(e, "queryStartLoc", "[0]", 3);
    }

    [Fact]
    public void Paged_block_table_of_the_wrong_length()
    {
        // B = 4 sequences × 6 entries = 24, one missing.
        var e = Shape(() => PagedBatch.Create(MixedStarts, MixedLens, MixedTable.AsMemory(0, 23), MixedMaxBlocks));
        AssertNames(e, "blockTable", "length", 23);
        Assert.Contains("24", e.Expected);
    }

    [Fact]
    public void Paged_negative_max_blocks_per_sequence()
    {
        var e = Shape(() => PagedBatch.Create(new[] { 0 }, Array.Empty<int>(), Array.Empty<int>(), -1));
        AssertNames(e, "blockTable", "MaxBlocksPerSequence", -1);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(1)]
    public void Paged_slot_mapping_of_the_wrong_length(int length)
    {
        var e = Shape(() => PagedBatch.Create(MixedStarts, MixedLens, MixedTable, MixedMaxBlocks, new int[length]));
        AssertNames(e, "slotMapping", "length", length);
        Assert.Contains("9", e.Expected);
    }

    // ---- PagedBatch.Validate: invalid -------------------------------------------------------------------------

    [Fact]
    public void Paged_block_table_row_too_short_for_a_sequence()
    {
        // Sequence 0 has 17 keys: 5 blocks of 4, and the row has room for 6. With BlockSize 2 it needs 9.
        var batch = MixedPaged();
        var e = Shape(() => batch.Validate(MixedNumBlocks, blockSize: 2));
        AssertNames(e, "seqLens", "[0]", 17);
        Assert.Contains("12", e.Expected); // 6 entries × 2

        // One key too many for two blocks of 4.
        var over = PagedBatch.Create(new[] { 0, 1 }, new[] { 9 }, new[] { 0, 1 }, 2);
        e = Shape(() => over.Validate(numBlocks: 3, blockSize: 4));
        AssertNames(e, "seqLens", "[0]", 9);
        Assert.Contains("8", e.Expected);
    }

    [Fact]
    public void Paged_block_id_at_or_beyond_the_cache()
    {
        var batch = MixedPaged();
        // Block 14 is used by sequence 0 (entry 2): a cache of 14 blocks does not have it.
        var e = Shape(() => batch.Validate(numBlocks: 14, blockSize: MixedBlockSize));
        AssertNames(e, "blockTable", "[0, 2]", 14);
        Assert.Contains("14", e.Expected);
    }

    [Fact]
    public void Paged_negative_block_id_in_a_used_entry()
    {
        // Sequence 1 (5 keys, BlockSize 4) uses entries 0 and 1; entry 1 is -1.
        var table = (int[])MixedTable.Clone();
        table[MixedMaxBlocks * 1 + 1] = -1;
        var batch = PagedBatch.Create(MixedStarts, MixedLens, table, MixedMaxBlocks);
        var e = Shape(() => batch.Validate(MixedNumBlocks, MixedBlockSize));
        AssertNames(e, "blockTable", "[1, 1]", -1);
    }

    [Fact]
    public void Paged_slot_beyond_the_cache()
    {
        var slots = (int[])MixedSlots.Clone();
        slots[6] = MixedNumBlocks * MixedBlockSize; // 60: one past the last slot
        var batch = PagedBatch.Create(MixedStarts, MixedLens, MixedTable, MixedMaxBlocks, slots);
        var e = Shape(() => batch.Validate(MixedNumBlocks, MixedBlockSize));
        AssertNames(e, "slotMapping", "[6]", 60);
        Assert.Contains("60", e.Expected);

        slots[6] = 59; // the last slot: valid
        PagedBatch.Create(MixedStarts, MixedLens, MixedTable, MixedMaxBlocks, slots).Validate(MixedNumBlocks, MixedBlockSize);
    }

    [Fact]
    public void Paged_negative_slots_are_skips_not_errors()
    {
        var slots = new[] { -1, -5, int.MinValue, -1, -1, -1, -1, -1, -1 };
        PagedBatch.Create(MixedStarts, MixedLens, MixedTable, MixedMaxBlocks, slots).Validate(MixedNumBlocks, MixedBlockSize);
    }

    [Fact]
    public void Paged_validate_rejects_a_bad_cache_shape()
    {
        var batch = MixedPaged();
        AssertNames(Shape(() => batch.Validate(numBlocks: -1, blockSize: 4)), "numBlocks", "N", -1);
        AssertNames(Shape(() => batch.Validate(numBlocks: 15, blockSize: 0)), "blockSize", "BlockSize", 0);
        AssertNames(Shape(() => batch.Validate(numBlocks: 15, blockSize: -4)), "blockSize", "BlockSize", -4);
    }
}
