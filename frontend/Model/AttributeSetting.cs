namespace TensorDsl.FrontEnd.Model;

/// <summary>
/// One named <c>int</c> argument of <c>[AttentionKernel(…)]</c> as written (<c>SpyreKvBucket = 128</c>) and where. The
/// parser reads them all without knowing what they mean; each target reads its own (docs/design.md, "Adding a
/// target"), so the core model carries no target's settings.
/// </summary>
internal sealed record AttributeSetting(string Name, int Value, SourceSpan At);
