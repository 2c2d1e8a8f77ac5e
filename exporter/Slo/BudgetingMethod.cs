namespace SaasExporter.Slo;

/// <summary>The OpenSLO budgetingMethod values this compiler compiles (RatioTimeslices is refused); written as named.</summary>
public enum BudgetingMethod
{
    /// <summary>Every event or evaluation is one occurrence; the budget is a ratio of occurrences.</summary>
    Occurrences,

    /// <summary>Every time slice is good or bad; the budget is a ratio of slices.</summary>
    Timeslices,
}
