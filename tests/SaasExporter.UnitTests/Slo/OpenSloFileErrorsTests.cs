using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

/// <summary>An OpenSLO file's problems are all reported, each at its line and column.</summary>
public sealed class OpenSloFileErrorsTests
{
    /// <summary>An SLO with three mistakes: a duration in words, an unknown operator and a misspelled key.</summary>
    public const string Slo = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: dau
          labels:
            team: product
        spec:
          service: saas-crm
          indicator:
            metadata:
              name: dau
            spec:
              thresholdMetric:
                metricSource:
                  type: Prometheus
                  spec:
                    query: 'saas_active_users{entity="user", window="1d"}'
          timeWindow:
            - duration: 30days
              isRolling: true
          budgetingMethod: Occurrences
          budgetMethod: Occurrences
          objectives:
            - value: 50000
              op: lte-ish
              target: 0.9
        """;

    [Fact]
    public void FileWithThreeProblems_ReportsAllThree_WithLineAndColumn()
    {
        var diagnostics = new Diagnostics();
        var reader = new OpenSloReader(diagnostics);

        reader.Add(OpenSloParser.Parse("x.yaml", Slo, diagnostics));

        Assert.Empty(reader.Read());
        Assert.Equal(
        [
            "x.yaml:19:17: SLO/dau: spec.timeWindow[0].duration: '30days' is not a duration shorthand (a positive integer and one of m h d w M Q Y)",
            "x.yaml:25:11: SLO/dau: spec.objectives[0].op: 'lte-ish' must be one of lte, gte, lt, gt",
            "x.yaml:22:3: SLO/dau: spec.budgetMethod: unknown key, did you mean 'budgetingMethod'? (known: description, service, indicator, indicatorRef, timeWindow, budgetingMethod, objectives, alertPolicies)",
        ], diagnostics.Errors);
    }
}
