using System.Xml.Linq;

namespace Modular.Verify;

/// <summary>
/// Prints the kit's results from xunit's XML result file: one line per check (PASS, FAIL with the assertion's message,
/// SKIP with its reason) and a closing <c>N passed, N failed, N skipped</c>.
/// </summary>
internal static class VerifyReport
{
    /// <returns>The exit status: 0 when nothing failed, 1 otherwise (also when the kit did not run at all).</returns>
    public static int Print(string resultsFile, TextWriter output)
    {
        if (!File.Exists(resultsFile))
        {
            output.WriteLine("the conformance kit produced no results");
            return 1;
        }
        var tests = XDocument.Load(resultsFile).Descendants("test").ToList();
        int passed = 0, failed = 0, skipped = 0;
        foreach (var test in tests.OrderBy(t => (string?)t.Attribute("name"), StringComparer.Ordinal))
        {
            var name = (string?)test.Attribute("name") ?? "?";
            switch ((string?)test.Attribute("result"))
            {
                case "Pass":
                    passed++;
                    output.WriteLine($"  PASS  {name}");
                    break;
                case "Skip":
                    skipped++;
                    output.WriteLine($"  SKIP  {name}: {test.Element("reason")?.Value.Trim()}");
                    break;
                default:
                    failed++;
                    var message = test.Element("failure")?.Element("message")?.Value.Trim() ?? "(no message)";
                    output.WriteLine($"  FAIL  {name}");
                    foreach (var line in message.Split('\n').Take(12))
                    {
                        output.WriteLine($"        {line.TrimEnd()}");
                    }
                    break;
            }
        }
        var errors = XDocument.Load(resultsFile).Descendants("errors").Elements().Count();
        if (errors > 0)
        {
            failed += errors;
            output.WriteLine($"  FAIL  {errors} error(s) outside any one check (a kit fixture or clean-up failed)");
        }
        output.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        return failed > 0 || tests.Count == 0 ? 1 : 0;
    }
}
