// Compiled into the runtime (public enum, internal axes) and into the generator and analyzers (internal,
// TENSORDSL_FRONTEND), so the analyzer's rank check, the planner's addressing and the reference engine's shape check
// read one definition of every layout's axes (docs/design.md, "Where does X live").
#if TENSORDSL_FRONTEND
namespace TensorDsl.FrontEnd.Model;
#else
namespace TensorDsl;
#endif

/// <summary>How a kernel parameter's dimensions are laid out in memory (row-major, last dimension contiguous).</summary>
#if TENSORDSL_FRONTEND
internal
#else
public
#endif
enum Layout
{
    /// <summary>Dense <c>[B, H, S, D]</c>.</summary>
    Bhsd,

    /// <summary>Dense <c>[B, S, H, D]</c>.</summary>
    Bshd,

    /// <summary>Flat varlen <c>[T, H, D]</c>: all sequences' tokens back to back, split by <c>query_start_loc</c>.</summary>
    Tokens,

    /// <summary>Paged KV cache <c>[N, BlockSize, H, D]</c>, addressed through <c>block_table</c> and <c>seq_lens</c>.</summary>
    Pages,

    /// <summary>Additive score bias <c>[B, Hq, Sq, Sk]</c>; any dimension may be 1 (broadcast).</summary>
    Bias,

    /// <summary>One value per query head <c>[Hq]</c> (sinks, ALiBi slopes).</summary>
    PerHead,
}

/// <summary>
/// Each layout's axes by position and by meaning: the one table behind the rank check (TDSL0005 and the reference
/// engine's), the shape a message shows, the example a diagnostic suggests, and the planner's addressing. An axis a
/// layout does not have is -1.
/// </summary>
internal static class LayoutAxes
{
    /// <summary>The axes as messages print them: <c>[B, H, S, D]</c>.</summary>
    public static string Describe(Layout layout) => "[" + string.Join(", ", Names(layout)) + "]";

    public static int Rank(Layout layout) => Names(layout).Length;

    /// <summary>The axis names, outermost first.</summary>
    public static string[] Names(Layout layout) => layout switch
    {
        Layout.Bhsd => new[] { "B", "H", "S", "D" },
        Layout.Bshd => new[] { "B", "S", "H", "D" },
        Layout.Tokens => new[] { "T", "H", "D" },
        Layout.Pages => new[] { "N", "BlockSize", "H", "D" },
        Layout.Bias => new[] { "B", "Hq", "Sq", "Sk" },
        _ => new[] { "Hq" },
    };

    /// <summary>A [Shape] string a new user can start from (what TDSL0004 suggests when the attribute is missing).</summary>
    public static string Example(Layout layout) => layout switch
    {
        Layout.Bhsd => "B, Hq, Sq, D",
        Layout.Bshd => "B, Sq, Hq, D",
        Layout.Tokens => "T, Hq, D",
        Layout.Pages => "N, BlockSize, Hkv, D",
        Layout.Bias => "B, Hq, Sq, Sk",
        _ => "Hq",
    };

    /// <summary>The batch axis (dense layouts).</summary>
    public static int Batch(Layout layout) => IndexOf(layout, "B");

    /// <summary>The sequence axis (dense layouts).</summary>
    public static int Sequence(Layout layout) => IndexOf(layout, "S");

    /// <summary>The head axis of a q/k/v/output layout.</summary>
    public static int Heads(Layout layout) => IndexOf(layout, "H");

    /// <summary>The head-size axis of a q/k/v/output layout.</summary>
    public static int HeadSize(Layout layout) => IndexOf(layout, "D");

    /// <summary>The token axis (Tokens).</summary>
    public static int Tokens(Layout layout) => IndexOf(layout, "T");

    /// <summary>The block axis (Pages).</summary>
    public static int Blocks(Layout layout) => IndexOf(layout, "N");

    /// <summary>The in-block offset axis (Pages).</summary>
    public static int BlockSize(Layout layout) => IndexOf(layout, "BlockSize");

    private static int IndexOf(Layout layout, string axis) => System.Array.IndexOf(Names(layout), axis);
}
