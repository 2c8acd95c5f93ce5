using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using TensorDsl.Analyzers;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Packaging;

/// <summary>
/// Every diagnostic's help link is one base URL + <c>TDSLnnnn.md</c>, and the page it names exists in docs/diagnostics.
/// The base is stamped into the generator and analyzer assemblies from the MSBuild property TensorDslHelpLinkBase
/// (docs/packaging.md, "Help links").
/// </summary>
public class HelpLinkTests
{
    public static IEnumerable<object[]> Ids => Catalogue.Ids;

    [Theory]
    [MemberData(nameof(Ids))]
    public void LinkNamesAnExistingPageUnderTheOneBase(string id)
    {
        var descriptor = Catalogue.All.Single(d => d.Id == id);
        var link = descriptor.HelpLinkUri;
        var baseUrl = Catalogue.HelpLinkBase(typeof(AttentionKernelGenerator).Assembly);

        Assert.True(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps, $"{id}: '{link}' is not an https URL");
        Assert.StartsWith(baseUrl, link, StringComparison.Ordinal);
        var page = link.Substring(baseUrl.Length);
        Assert.Equal(id + ".md", page);
        Assert.True(File.Exists(Path.Combine(Catalogue.DocsDirectory(), page)), $"{id}: {link} names docs/diagnostics/{page}, which does not exist");
    }

    [Fact]
    public void AnalyzerLinksEqualTheGenerators()
    {
        foreach (var descriptor in new AttentionKernelAnalyzer().SupportedDiagnostics)
        {
            Assert.Equal(Catalogue.All.Single(d => d.Id == descriptor.Id).HelpLinkUri, descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void BaseComesFromTheBuildPropertyThroughAssemblyMetadata()
    {
        var props = File.ReadAllText(Path.Combine(Catalogue.RepositoryRoot(), "Directory.Build.props"));
        var repository = Regex.Match(props, "<TensorDslRepositoryUrl[^>]*>([^<]+)<").Groups[1].Value;
        var expected = repository + "/blob/main/docs/diagnostics/";

        foreach (var assembly in new[] { typeof(AttentionKernelGenerator).Assembly, typeof(AttentionKernelAnalyzer).Assembly })
        {
            var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TensorDsl.HelpLinkBase");
            Assert.Equal(expected, metadata.Value);
            Assert.Equal(expected, Catalogue.HelpLinkBase(assembly));
        }
    }

    [Fact]
    public void TheBaseIsDocumented()
    {
        var docs = File.ReadAllText(Path.Combine(Catalogue.RepositoryRoot(), "docs", "packaging.md"));
        Assert.Contains(Catalogue.HelpLinkBase(typeof(AttentionKernelGenerator).Assembly), docs, StringComparison.Ordinal);
        Assert.Contains("TensorDslHelpLinkBase", docs, StringComparison.Ordinal);
    }
}
